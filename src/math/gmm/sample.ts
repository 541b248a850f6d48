import type { Random } from '../random.js';
import type { GaussianParams } from './params.js';
import { cholesky } from '../linalg.js';

/**
 * n samples of the mixture, in float64 on the host: a Gaussian drawn by weight for each
 * sample, then mean + L z with z standard normal (Box-Muller) and L the Cholesky factor of the
 * Gaussian's covariance (full [K, D, D] or tied [D, D] covariances), or sqrt(variance) per
 * feature (diag, spherical). Returns the samples [n, D] row-major and the Gaussian of each.
 */
export function sampleMixture(p: GaussianParams, n: number, rng: Random): { data: Float64Array; labels: Int32Array } {
  const k = p.weights.length;
  const d = p.means.length / k;
  const factors = choleskyFactors(p, d);
  const data = new Float64Array(n * d);
  const labels = new Int32Array(n);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const c = rng.weightedIndex(p.weights);
    labels[i] = c;
    for (let j = 0; j < d; j++) z[j] = rng.normal();
    for (let j = 0; j < d; j++) {
      let v = 0;
      if (factors === null) v = Math.sqrt(p.variances[c * d + j]) * z[j];
      else {
        const at = factors.length === d * d ? 0 : c * d * d;
        for (let m = 0; m <= j; m++) v += factors[at + j * d + m] * z[m];
      }
      data[i * d + j] = p.means[c * d + j] + v;
    }
  }
  return { data, labels };
}

/** The lower Cholesky factors of full or tied covariances, [K, D, D] or [D, D]; null for diagonal ones. */
function choleskyFactors(p: GaussianParams, d: number): Float64Array | null {
  const c = p.covariances;
  if (c === undefined) return null;
  const out = new Float64Array(c.length);
  for (let at = 0; at < c.length; at += d * d) {
    const l = cholesky(c, d, at);
    if (typeof l === 'number') throw new Error('sampleMixture: a covariance is not positive definite');
    out.set(l, at);
  }
  return out;
}
