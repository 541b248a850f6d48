import { shapeMismatch, invalidArgument } from '../errors.js';
import { shown } from '../options/table.js';

/** Variance floors as given: a scalar, one per feature [D], or one per Gaussian and feature [K, D]. */
export interface VarianceThresholds {
  data: Float64Array;
  shape: [] | [number] | [number, number];
}

export type VarianceThresholdsInput = number | ArrayLike<number> | number[][] | VarianceThresholds;

export function toThresholds(value: VarianceThresholdsInput): VarianceThresholds {
  let t: VarianceThresholds;
  const arrayLike = Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
  const record = typeof value === 'object' && value !== null && 'shape' in value && 'data' in value;
  if (typeof value !== 'number' && !arrayLike && !record) {
    throw invalidArgument(`variance thresholds must be a number, an array (per feature, or [nGaussians][nFeatures]) or { data, shape }; got ${shown(value)}`);
  }
  if (typeof value === 'number') t = { data: Float64Array.of(value), shape: [] };
  else if ('shape' in value && 'data' in value) t = { data: Float64Array.from(value.data), shape: [...value.shape] as VarianceThresholds['shape'] };
  else if (Array.isArray(value) && Array.isArray(value[0])) {
    const rows = value as number[][];
    t = { data: Float64Array.from(rows.flat()), shape: [rows.length, rows[0].length] };
  } else t = { data: Float64Array.from(value as ArrayLike<number>), shape: [(value as ArrayLike<number>).length] };
  for (const v of t.data) {
    if (!(v >= 0) || !Number.isFinite(v)) throw invalidArgument(`variance thresholds must be finite and >= 0; got ${v}`);
  }
  return t;
}

/** The floors broadcast to [K, D] row-major. */
export function expandThresholds(t: VarianceThresholds, k: number, d: number): Float64Array {
  const out = new Float64Array(k * d);
  if (t.shape.length === 0) return out.fill(t.data[0]);
  if (t.shape.length === 1 && t.shape[0] === d) {
    for (let i = 0; i < k; i++) out.set(t.data, i * d);
    return out;
  }
  if (t.shape.length === 2 && t.shape[0] === k && t.shape[1] === d) return out.set(t.data), out;
  throw shapeMismatch(`variance thresholds of shape [${t.shape}] do not fit Gaussians of shape [${k}, ${d}]`);
}
