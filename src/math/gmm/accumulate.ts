import type { GMMStats } from '../../machines/GMMStats.js';

/**
 * Adds one chunk's e-step output (see eStepChunk: float32 moments about each
 * Gaussian's centre nu as the device holds it, [D, K]) to float64 statistics
 * held about the same points in data space, centres = shift + nu ([K, D]).
 */
export function accumulateChunk(stats: GMMStats, chunk: Float32Array, centres: Float64Array, rows: number): void {
  const { nGaussians: k, nFeatures: d } = stats;
  const { first, second } = stats.momentsToAddTo(centres);
  const nOffset = 2 * d * k;
  for (let i = 0; i < k; i++) {
    stats.n[i] += chunk[nOffset + i];
    for (let j = 0; j < d; j++) {
      first[i * d + j] += chunk[j * k + i];
      second[i * d + j] += chunk[(d + j) * k + i];
    }
  }
  stats.logLikelihood += chunk[nOffset + k];
  stats.t += rows;
}

/**
 * The variance of each feature over the samples the statistics hold (all Gaussians together),
 * [D], from the moments about each Gaussian's centre: no E[x^2] - E[x]^2 about 0.
 */
export function featureVariances(stats: GMMStats): Float64Array {
  const { nGaussians: k, nFeatures: d } = stats;
  const { centre, first, second } = stats.centredMoments();
  const at = (e: number) => (centre === null ? 0 : centre[e]);
  const mean = new Float64Array(d);
  for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) mean[j] += stats.n[i] * at(i * d + j) + first[i * d + j];
  const total = stats.n.reduce((s, v) => s + v, 0);
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) mean[j] /= total;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < d; j++) {
      const e = i * d + j;
      const delta = at(e) - mean[j];
      out[j] += second[e] + delta * (2 * first[e] + stats.n[i] * delta);
    }
  }
  return out.map((v) => Math.max(0, v / total));
}
