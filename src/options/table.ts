/**
 * Option tables: each option's name, what values it takes, its default and a line of text,
 * in one place. The machines check their constructor options and their settable fields
 * against them, the command line takes its defaults from them, and docs/options.md is
 * generated from them (scripts/options-doc.mjs).
 */
import { invalidArgument } from '../errors.js';

export interface OptionSpec {
  /** What a value must be, as error messages and the docs say it: "an integer >= 0, or null". */
  expected: string;
  /** The default value; undefined where the default is computed (then defaultText says how). */
  default?: unknown;
  defaultText?: string;
  /** Whether a value is acceptable (a value that is not fails with `expected`). */
  accepts(value: unknown): boolean;
  text: string;
}

export type OptionTable = Record<string, OptionSpec>;

/** The table's values for `given` (its defaults where absent), every given value checked; unknown names are errors. */
export function resolveOptions<T>(table: OptionTable, given: unknown, owner: string): T {
  if (given === undefined) given = {};
  const prototype = given === null || typeof given !== 'object' ? undefined : Object.getPrototypeOf(given);
  if (prototype !== Object.prototype && prototype !== null) {
    throw invalidArgument(`${owner} takes its options as an object ({ name: value }); got ${shown(given)}`);
  }
  const values = given as Record<string, unknown>;
  for (const key of Object.keys(values)) {
    if (!(key in table)) throw invalidArgument(`${owner} has no option '${key}'${closest(key, Object.keys(table))}; its options: ${Object.keys(table).join(', ')}`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(table)) {
    if (values[name] === undefined) out[name] = spec.default;
    else out[name] = checkOption(table, name, values[name]);
  }
  return out as T;
}

/** value, if the table's option `name` accepts it; else INVALID_ARGUMENT saying what it must be. */
export function checkOption<V>(table: OptionTable, name: string, value: V): V {
  const spec = table[name];
  if (!spec.accepts(value)) throw invalidArgument(`${name} must be ${spec.expected}; got ${shown(value)}`);
  return value;
}

/** A value as messages show it: strings quoted, objects by their kind. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/** " (did you mean 'x'?)" for a name one or two edits from a known one. */
function closest(name: string, known: string[]): string {
  const near = known.find((k) => distance(k.toLowerCase(), name.toLowerCase()) <= 2);
  return near === undefined ? '' : ` (did you mean '${near}'?)`;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = up;
    }
  }
  return row[b.length];
}

// ---- kinds of option ----

type Spec = Omit<OptionSpec, 'expected' | 'accepts'>;

export function booleanOption(spec: Spec): OptionSpec {
  return { ...spec, expected: 'true or false', accepts: (v) => typeof v === 'boolean' };
}

/** A finite number within bounds; `integer` for whole numbers; `nullable` lets null switch the option off. */
export function numberOption(
  spec: Spec & { min?: number; above?: number; max?: number; integer?: boolean; nullable?: boolean },
): OptionSpec {
  const parts = [spec.integer ? 'an integer' : 'a finite number'];
  if (spec.min !== undefined && spec.max !== undefined) parts[0] += ` in [${spec.min}, ${spec.max}]`;
  else if (spec.min !== undefined) parts.push(`>= ${spec.min}`);
  else if (spec.above !== undefined) parts.push(`> ${spec.above}`);
  else if (spec.max !== undefined) parts.push(`<= ${spec.max}`);
  const accepts = (v: unknown) =>
    (spec.nullable === true && v === null) ||
    (typeof v === 'number' &&
      Number.isFinite(v) &&
      (!spec.integer || Number.isSafeInteger(v)) &&
      (spec.min === undefined || v >= spec.min) &&
      (spec.above === undefined || v > spec.above) &&
      (spec.max === undefined || v <= spec.max));
  return { ...spec, expected: parts.join(' ') + (spec.nullable ? ', or null' : ''), accepts };
}

export function choiceOption(spec: Spec & { choices: readonly string[] }): OptionSpec {
  return { ...spec, expected: `one of ${spec.choices.map((c) => `'${c}'`).join(', ')}`, accepts: (v) => spec.choices.includes(v as string) };
}

/** Any value `accepts` takes, described by `expected`. */
export function otherOption(spec: Spec & { expected: string; accepts: (v: unknown) => boolean }): OptionSpec {
  return spec;
}
