/** Float64 arrays and k-means statistics as JSON-safe job payloads and results (exact: the bytes in base64). */
import type { KMeansStats } from '../math/kmeans/accumulate.js';
import { TfjsEmError } from '../errors.js';

export function encodeFloats(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** The Float64Array of a base64 string, checked to hold `length` values when given. */
export function decodeFloats(text: unknown, what: string, length?: number): Float64Array {
  if (typeof text !== 'string') throw badPayload(`${what} is not a base64 string`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 8 !== 0 || (length !== undefined && bytes.length !== 8 * length)) {
    throw badPayload(`${what} holds ${bytes.length} bytes; expected ${length === undefined ? 'a multiple of 8' : 8 * length}`);
  }
  const out = new Float64Array(bytes.length / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export interface EncodedKMeansStats {
  counts: string;
  residualSums: string;
  minDistanceSum: number;
  nSamples: number;
}

export function encodeKMeansStats(s: KMeansStats): EncodedKMeansStats {
  return { counts: encodeFloats(s.counts), residualSums: encodeFloats(s.residualSums), minDistanceSum: s.minDistanceSum, nSamples: s.nSamples };
}

export function decodeKMeansStats(e: EncodedKMeansStats, k: number, d: number): KMeansStats {
  return {
    counts: decodeFloats(e.counts, 'counts', k),
    residualSums: decodeFloats(e.residualSums, 'residualSums', k * d),
    minDistanceSum: e.minDistanceSum,
    nSamples: e.nSamples,
  };
}

export function badPayload(problem: string): TfjsEmError {
  return new TfjsEmError('INVALID_ARGUMENT', `job payload: ${problem}`);
}
