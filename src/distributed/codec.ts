/**
 * Float64 arrays as JSON-safe job arguments (exact: the bytes in base64), and shard results as
 * raw float64 bytes (see PassData).
 */
import type { KMeansStats } from '../math/kmeans/accumulate.js';
import { TfjsEmError } from '../errors.js';

export function encodeFloats(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** The Float64Array of a base64 string, checked to hold `length` values when given. */
export function decodeFloats(text: unknown, what: string, length?: number): Float64Array {
  if (typeof text !== 'string') throw badPayload(`${what} is not a base64 string`);
  return floatsOf(Buffer.from(text, 'base64'), what, length);
}

/** The float64 values of raw bytes, checked to hold `length` values when given. */
export function floatsOf(bytes: Uint8Array, what: string, length?: number): Float64Array {
  if (bytes.length % 8 !== 0 || (length !== undefined && bytes.length !== 8 * length)) {
    throw badPayload(`${what} holds ${bytes.length} bytes; expected ${length === undefined ? 'a multiple of 8' : 8 * length}`);
  }
  const out = new Float64Array(bytes.length / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function bytesOf(values: Float64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** k-means statistics as one float64 array: counts (k), residual sums (k d), the min-distance sum, the sample count. */
export function kmeansStatsToValues(s: KMeansStats): Float64Array {
  const k = s.counts.length;
  const out = new Float64Array(k + s.residualSums.length + 2);
  out.set(s.counts);
  out.set(s.residualSums, k);
  out[out.length - 2] = s.minDistanceSum;
  out[out.length - 1] = s.nSamples;
  return out;
}

export function kmeansStatsFromValues(v: Float64Array, k: number, d: number): KMeansStats {
  if (v.length !== k + k * d + 2) throw badPayload(`k-means statistics of ${v.length} values; expected ${k + k * d + 2}`);
  return { counts: v.slice(0, k), residualSums: v.slice(k, k + k * d), minDistanceSum: v[k + k * d], nSamples: v[k + k * d + 1] };
}

export function badPayload(problem: string): TfjsEmError {
  return new TfjsEmError('INVALID_ARGUMENT', `job payload: ${problem}`);
}
