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

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'TfjsEmError';
    this.code = code;
  }
}

export function invalidArgument(message: string): TfjsEmError {
  return new TfjsEmError('INVALID_ARGUMENT', message);
}

export function shapeMismatch(message: string): TfjsEmError {
  return new TfjsEmError('SHAPE_MISMATCH', message);
}
