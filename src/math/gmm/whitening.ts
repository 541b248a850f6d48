/**
 * The device's whitening of full and tied Gaussians, from float64 covariances on the host:
 * each factor P = L^-1 (L the lower Cholesky factor of the covariance) rounded to float32 as
 * the device holds it, the float64 inverse of that float32 matrix (which maps the device's
 * whitened moments back to data space exactly), and sum_j log P_jj as the device's P has it.
 */
import { TfjsEmError } from '../../errors.js';
import { cholesky, invertLower, logDiagonal } from '../linalg.js';

export interface Whitening {
  /** P, float32 [F, D, D] (F: K for full, 1 for tied). */
  p: Float32Array;
  /** (float32 P)^-1 in float64, [F, D, D]. */
  back: Float64Array;
  /** sum_j log P_jj per factor, [F]. */
  logDiagonal: Float64Array;
}

export function whiteningOf(covariances: Float64Array, d: number, tied: boolean): Whitening {
  const factors = covariances.length / (d * d);
  const p = new Float32Array(factors * d * d);
  const back = new Float64Array(factors * d * d);
  const logDiagonal = new Float64Array(factors);
  for (let f = 0; f < factors; f++) {
    const l = cholesky(covariances, d, f * d * d);
    if (typeof l === 'number') throw notPositiveDefinite(tied ? null : f, -l - 1);
    const at = f * d * d;
    p.set(invertLower(l, d), at);
    back.set(invertLower(p, d, at), at);
    for (let j = 0; j < d; j++) logDiagonal[f] += Math.log(p[at + j * d + j]);
  }
  return { p, back, logDiagonal };
}

/** INVALID_DATA naming the Gaussian (null: the tied covariance) whose covariance is not positive definite. */
export function notPositiveDefinite(gaussian: number | null, pivot: number): TfjsEmError {
  const whose = gaussian === null ? 'the tied covariance' : `Gaussian ${gaussian}'s covariance`;
  return new TfjsEmError(
    'INVALID_DATA',
    `${whose} is not positive definite (its Cholesky factorisation fails at feature ${pivot}): its samples are too few or lie ` +
      `in a lower-dimensional subspace; raise regCovar, use fewer Gaussians, or leave out features that are linear combinations of others`,
  );
}

/** log det of each covariance (full [K, D, D] or tied [D, D]), or INVALID_DATA naming the first that is not positive definite. */
export function logDeterminants(covariances: Float64Array, d: number, tied: boolean): Float64Array {
  const factors = covariances.length / (d * d);
  const out = new Float64Array(factors);
  for (let f = 0; f < factors; f++) {
    const l = cholesky(covariances, d, f * d * d);
    if (typeof l === 'number') throw notPositiveDefinite(tied ? null : f, -l - 1);
    out[f] = 2 * logDiagonal(l, d);
  }
  return out;
}
