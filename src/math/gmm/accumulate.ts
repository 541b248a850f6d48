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
