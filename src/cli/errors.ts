import { TfjsEmError } from '../errors.js';

/** A failure reported as one line, `tfjs-em: <subject>: <problem>`, with an exit status. */
export class CliError extends Error {
  constructor(
    readonly subject: string,
    readonly problem: string,
    readonly exitCode = 1,
  ) {
    super(`${subject}: ${problem}`);
    this.name = 'CliError';
  }
}

/** Exit status of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED = 130;

/**
 * Runs `action`, reporting the library's and the readers' errors against `subject` (a file).
 * Their messages often start with the file name already; it is not repeated.
 */
export async function about<T>(subject: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof TfjsEmError) {
      const about = error.subject ?? subject;
      throw new CliError(about, withoutPrefix(error.message, about));
    }
    throw error;
  }
}

function withoutPrefix(message: string, subject: string): string {
  const line = message.split('\n')[0];
  const problem = line.startsWith(`${subject}: `) ? line.slice(subject.length + 2) : line;
  // The library's own wording names the file too ("cannot read x.h5: ...", "no such file: x.h5").
  return problem
    .replace(`cannot read ${subject}: `, 'cannot read: ')
    .replace(`cannot write ${subject}: `, 'cannot write: ')
    .replace(`no such file: ${subject}`, 'no such file')
    .replace(`${subject} is a directory`, 'is a directory');
}

/** The one line printed for an error that escaped every command (a bug or an unexpected failure). */
export function describe(error: unknown): string {
  if (error instanceof CliError || error instanceof TfjsEmError) return printable(error.message);
  const message = error instanceof Error ? error.message : String(error);
  return printable(`unexpected error: ${message.split('\n')[0]}`);
}

/** Control characters (from file names, file contents) escaped, so that a message cannot drive the terminal. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
