/** Errors of the user's own doing (a file, a setting): shown in words, not logged as faults. */
export class InputError extends Error {}

/** A MAP-adapted model read without its UBM: it loads once the UBM is there. */
export class NeedsUbmError extends InputError {}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
