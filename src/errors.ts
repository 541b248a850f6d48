/** Every error the library raises on purpose is a TfjsEmError with a stable code. */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_DATA'
  | 'SHAPE_MISMATCH'
  | 'NOT_INITIALIZED'
  | 'FILE_FORMAT'
  | 'PRECISION'
  | 'BACKEND_UNAVAILABLE'
  | 'CLUSTER';

export class TfjsEmError extends Error {
  readonly code: ErrorCode;
  /** What the error is about when that is not the caller's input (a shard a worker read, a Redis URL). */
  readonly subject?: string;
  /**
   * The message without the data values it quotes (a CSV token, a sample's value), where it
   * quotes any: what a worker may tell others through Redis about its files.
   */
  readonly withoutValues: string;

  constructor(code: ErrorCode, message: string, subject?: string, withoutValues = message) {
    super(message);
    this.name = 'TfjsEmError';
    this.code = code;
    this.subject = subject;
    this.withoutValues = withoutValues;
  }
}

export function invalidArgument(message: string): TfjsEmError {
  return new TfjsEmError('INVALID_ARGUMENT', message);
}

export function shapeMismatch(message: string): TfjsEmError {
  return new TfjsEmError('SHAPE_MISMATCH', message);
}
