/** Float64 arrays and statistics as JSON-safe job payloads and results (exact: the bytes in base64). */
import { GMMStats } from '../machines/GMMStats.js';
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

export interface EncodedGMMStats {
  k: number;
  d: number;
  t: number;
  logLikelihood: number;
  n: string;
  sumPx: string;
  sumPxx: string;
}

export function encodeGMMStats(s: GMMStats): EncodedGMMStats {
  return { k: s.nGaussians, d: s.nFeatures, t: s.t, logLikelihood: s.logLikelihood, n: encodeFloats(s.n), sumPx: encodeFloats(s.sumPx), sumPxx: encodeFloats(s.sumPxx) };
}

export function decodeGMMStats(e: EncodedGMMStats, k: number, d: number): GMMStats {
  if (e.k !== k || e.d !== d) throw badPayload(`statistics of shape [${e.k},${e.d}]; expected [${k},${d}]`);
  return new GMMStats(k, d).initFields({
    t: e.t,
    logLikelihood: e.logLikelihood,
    n: decodeFloats(e.n, 'n', k),
    sumPx: decodeFloats(e.sumPx, 'sumPx', k * d),
    sumPxx: decodeFloats(e.sumPxx, 'sumPxx', k * d),
  });
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
