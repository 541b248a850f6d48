/**
 * Score normalisation of verification scores (bob.learn.em 2.x's zNorm, tNorm and ztNorm, in
 * float64). Score matrices are [rows, columns] as bob's: A holds the raw scores, rows the
 * models (each Z-normalised by its scores against a cohort of impostor probes, B [rows, nZ])
 * and columns the probes (each T-normalised by its scores against a cohort of models,
 * C [nT, columns]); D [nT, nZ] scores the Z cohort against the T cohort, so that the T cohort's
 * scores are Z-normalised before they T-normalise A (ZT-norm). mask [nT, nZ] marks the D
 * entries of same-speaker (true) trials, left out of the Z statistics of the T cohort.
 * Standard deviations are sample ones (n - 1); one that is 0 (one score, or equal scores)
 * counts as 1, as bob's.
 */
import { invalidArgument } from '../errors.js';
import { type HostRowsInput, hostRows } from '../data/hostRows.js';

/** bob's threshold for a zero deviation: the smallest normal double. */
const SMALLEST_NORMAL = 2.2250738585072014e-308;

/** A score matrix: rows of numbers, or row-major values with their shape. */
export type ScoreMatrix = HostRowsInput;

export interface Scores {
  data: Float64Array;
  shape: [number, number];
}

/** A true entry of the mask: that D score is a same-speaker trial. */
export type TrialMask = boolean[][] | { data: ArrayLike<boolean | number>; shape: [number, number] };

/** Z-norm: each row of A by the mean and standard deviation of the same row of B. */
export function zNorm(a: ScoreMatrix, b: ScoreMatrix): Scores {
  return ztNorm(a, b, null, null);
}

/** T-norm: each column of A by the mean and standard deviation of the same column of C. */
export function tNorm(a: ScoreMatrix, c: ScoreMatrix): Scores {
  return ztNorm(a, null, c, null);
}

/**
 * ZT-norm: A Z-normalised by B, then T-normalised by C Z-normalised by D (without the trials
 * the mask marks). Without B (or with no columns in it) no Z-norm; without C (or no rows)
 * no T-norm; without D the T cohort's scores are used as they are.
 */
export function ztNorm(a: ScoreMatrix, b: ScoreMatrix | null, c: ScoreMatrix | null, d: ScoreMatrix | null, mask: TrialMask | null = null): Scores {
  const A = matrix(a, 'A');
  const [rows, columns] = A.shape;
  const B = b === null ? null : matrix(b, 'B');
  const C = c === null ? null : matrix(c, 'C');
  const withZ = B !== null && B.shape[1] > 0;
  const withT = C !== null && C.shape[0] > 0;
  if (withZ) expectRows(B, rows, 'B', 'A');
  if (withT && C.shape[1] !== columns) throw invalidArgument(`C has ${C.shape[1]} columns; A has ${columns} (one per probe)`);
  const zA = withZ ? normaliseRows(A, B) : A.data.slice();
  if (!withT) return { data: zA, shape: [rows, columns] };

  let zC: Float64Array = C.data.slice();
  const D = d === null ? null : matrix(d, 'D');
  if (withZ && D !== null) {
    const [nT, nZ] = [C.shape[0], B.shape[1]];
    if (D.shape[0] !== nT || D.shape[1] !== nZ) throw invalidArgument(`D has shape [${D.shape}]; expected [${nT}, ${nZ}] (T cohort x Z cohort)`);
    const keep = maskOf(mask, nT, nZ);
    zC = normaliseRows(C, D, keep);
  }
  // T-norm: each column j of zA by the column j of zC over the T cohort.
  const nT = C.shape[0];
  const out = new Float64Array(rows * columns);
  for (let j = 0; j < columns; j++) {
    const column = Array.from({ length: nT }, (_, t) => zC[t * columns + j]);
    const { mean, std } = moments(column);
    for (let i = 0; i < rows; i++) out[i * columns + j] = (zA[i * columns + j] - mean) / std;
  }
  return { data: out, shape: [rows, columns] };
}

/** Each row i of x by the mean and std of row i of cohort (its entries where keep is true). */
function normaliseRows(x: Scores, cohort: Scores, keep: Uint8Array | null = null): Float64Array {
  const [rows, columns] = x.shape;
  const n = cohort.shape[1];
  const out = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    const values: number[] = [];
    for (let j = 0; j < n; j++) if (keep === null || keep[i * n + j]) values.push(cohort.data[i * n + j]);
    if (values.length === 0) throw invalidArgument(`row ${i} of the T cohort has no impostor trial in D: the mask marks all ${n} as same-speaker`);
    const { mean, std } = moments(values);
    for (let j = 0; j < columns; j++) out[i * columns + j] = (x.data[i * columns + j] - mean) / std;
  }
  return out;
}

/** Mean and sample standard deviation (two passes); a deviation <= the smallest normal double counts as 1. */
function moments(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const spread = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std: spread <= SMALLEST_NORMAL ? 1 : spread };
}

function matrix(x: ScoreMatrix, name: string): Scores {
  return hostRows(x, name);
}

function expectRows(x: Scores, rows: number, name: string, of: string): void {
  if (x.shape[0] !== rows) throw invalidArgument(`${name} has ${x.shape[0]} rows; ${of} has ${rows} (one per model)`);
}

/** 1 where a D entry is kept (an impostor trial), from the mask of same-speaker trials. */
function maskOf(mask: TrialMask | null, nT: number, nZ: number): Uint8Array | null {
  if (mask === null) return null;
  const flat = Array.isArray(mask) ? mask.flat() : Array.from(mask.data);
  const shape = Array.isArray(mask) ? [mask.length, mask[0]?.length ?? 0] : mask.shape;
  if (shape[0] !== nT || shape[1] !== nZ || flat.length !== nT * nZ) throw invalidArgument(`the mask has shape [${shape}]; expected [${nT}, ${nZ}], as D`);
  return Uint8Array.from(flat, (v) => (v ? 0 : 1));
}
