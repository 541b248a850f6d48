/**
 * Command-line options: `--name value`, `--name=value`, flags, and options taking several
 * values (`--data a.npy b.npy`). Values are checked when read, so each error names its option.
 */
import { CliError } from './errors.js';

export type OptionKind = 'value' | 'values' | 'flag';
export type OptionSpec = Record<string, OptionKind>;

export class Args {
  private constructor(
    readonly command: string,
    private readonly values: Map<string, string[]>,
    readonly positionals: string[],
  ) {}

  static parse(command: string, argv: string[], spec: OptionSpec): Args {
    const values = new Map<string, string[]>();
    const positionals: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const token = argv[i];
      if (!isOption(token)) {
        positionals.push(token);
        continue;
      }
      const [name, inline] = splitInline(token);
      const kind = spec[name];
      const shown = inline === undefined ? token : token.slice(0, token.indexOf('='));
      if (kind === undefined) throw new CliError(shown, `unknown option for '${command}' (see tfjs-em ${command} --help)`);
      if (values.has(name)) throw new CliError(shown, 'given twice');
      if (kind === 'flag') {
        if (inline !== undefined) throw new CliError(shown, 'takes no value');
        values.set(name, []);
        continue;
      }
      const taken = inline !== undefined ? [inline] : [];
      while (i + 1 < argv.length && !isOption(argv[i + 1]) && (kind === 'values' || taken.length === 0)) taken.push(argv[++i]);
      if (taken.length === 0) throw new CliError(shown, 'needs a value');
      values.set(name, taken);
    }
    return new Args(command, values, positionals);
  }

  flag(name: string): boolean {
    return this.values.has(name);
  }

  string(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw new CliError(this.command, `--${name} is required (see tfjs-em ${this.command} --help)`);
    return value;
  }

  /** The values of an option that takes several, or undefined when absent. */
  list(name: string): string[] | undefined {
    return this.values.get(name);
  }

  requiredList(name: string): string[] {
    this.requiredString(name);
    return this.values.get(name)!;
  }

  number(name: string, check: (v: number) => boolean = Number.isFinite, expected = 'a finite number'): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || !check(value)) {
      throw new CliError(`--${name}`, `expected ${expected}; got '${text}'`);
    }
    return value;
  }

  positiveInteger(name: string): number | undefined {
    return this.number(name, (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
  }

  integer(name: string): number | undefined {
    return this.number(name, Number.isInteger, 'an integer');
  }

  positiveNumber(name: string): number | undefined {
    return this.number(name, (v) => v > 0, 'a number > 0');
  }

  nonNegative(name: string): number | undefined {
    return this.number(name, (v) => v >= 0, 'a number >= 0');
  }

  /** One of `choices`, or undefined when the option is absent. */
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value !== undefined && !choices.includes(value as T)) {
      throw new CliError(`--${name}`, `expected one of ${choices.join(', ')}; got '${value}'`);
    }
    return value as T | undefined;
  }

  /** A comma-separated subset of `choices` (e.g. --update means,variances). */
  subset<T extends string>(name: string, choices: readonly T[]): Set<T> | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const wrong = items.find((s) => !choices.includes(s as T));
    if (wrong !== undefined || items.length === 0) {
      throw new CliError(`--${name}`, `expected a comma-separated list of ${choices.join(', ')}; got '${value}'`);
    }
    return new Set(items as T[]);
  }

  /** At most `max` positionals (e.g. info's FILE). */
  expectPositionals(max: number): void {
    if (this.positionals.length > max) {
      throw new CliError(this.positionals[max], `unexpected argument for '${this.command}' (see tfjs-em ${this.command} --help)`);
    }
  }
}

/** "--name" or "--name=value"; a lone "-" or a negative number is a value. */
function isOption(token: string): boolean {
  return /^--[a-zA-Z]/.test(token) || /^-[a-zA-Z]$/.test(token);
}

function splitInline(token: string): [string, string | undefined] {
  if (/^-[a-zA-Z]$/.test(token)) return [SHORT[token] ?? token.slice(1), undefined];
  const eq = token.indexOf('=');
  return eq < 0 ? [token.slice(2), undefined] : [token.slice(2, eq), token.slice(eq + 1)];
}

const SHORT: Record<string, string> = { '-h': 'help', '-q': 'quiet' };
