/** Small helpers shared by the file modules. */

/** The innermost message of an HDF5 error stack ("truncated file: eof = ..."), or the error's first line. */
export function reasonOf(error: unknown): string {
  const text = String((error as { message?: unknown })?.message ?? error);
  const lines = [...text.matchAll(/#\d+: .* in \w+\(\): (.*)$/gm)];
  return lines.length > 0 ? lines[lines.length - 1][1] : text.split('\n')[0];
}

/** A file-name suffix unlikely to clash; callers still create files exclusively. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** By tag rather than instanceof, so that arrays from another realm (a Node Buffer under jest, a worker) pass. */
export function isTypedArray(value: unknown, type: 'Uint8Array' | 'Float64Array'): boolean {
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === `[object ${type}]`;
}
