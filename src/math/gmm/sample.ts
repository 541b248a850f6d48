import type { Random } from '../random.js';
import type { GaussianParams } from './params.js';

/**
 * n samples of the mixture, in float64 on the host: a Gaussian drawn by weight for each
 * sample, then mean + sqrt(variance) z per feature with z standard normal (Box-Muller).
 * Returns the samples [n, D] row-major and the Gaussian each was drawn from.
 */
export function sampleMixture(p: GaussianParams, n: number, rng: Random): { data: Float64Array; labels: Int32Array } {
  const k = p.weights.length;
  const d = p.means.length / k;
  const data = new Float64Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.weightedIndex(p.weights);
    labels[i] = c;
    for (let j = 0; j < d; j++) data[i * d + j] = p.means[c * d + j] + Math.sqrt(p.variances[c * d + j]) * normal(rng);
  }
  return { data, labels };
}

function normal(rng: Random): number {
  const u = 1 - rng.random(); // (0, 1]
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.random());
}
