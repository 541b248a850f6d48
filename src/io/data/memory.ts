/** Sizes of what a data file declares, checked before anything that large is allocated (Node). */
import { freemem } from 'node:os';
import { dataError } from './fail.js';

/** The most elements one typed array may hold here (V8's limit). */
const MAX_ELEMENTS = 2 ** 32 - 1;

/**
 * Throws unless `count` values of `bytesPer` bytes fit in one array and in the memory available
 * now; `what` names them ("dataset /x: 2000000 x 60 float64 values").
 */
export function assertFitsInMemory(file: string, what: string, count: number, bytesPer: number): void {
  const bytes = count * bytesPer;
  const available = freemem();
  if (bytes > available) throw dataError(file, `${what} need ${megabytes(bytes)}, more than the ${megabytes(available)} of memory available`);
  if (count > MAX_ELEMENTS) throw dataError(file, `${what} are more than one array holds here (${MAX_ELEMENTS} values)`);
}

export function megabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toPrecision(3)} GB` : `${(bytes / 1e6).toPrecision(3)} MB`;
}
