import type { GMMStats } from '../../machines/GMMStats.js';

/**
 * Adds one chunk's e-step output (see eStepChunk; float32 sums over centred
 * samples y = x - shift) to float64 statistics of the uncentred samples:
 * sum r x = sum r y + n s,  sum r x^2 = sum r y^2 + 2 s sum r y + n s^2.
 * With centres (the float32 nu [K, D] of the direct form), the chunk's second
 * moments are about them: sum r y^2 = sum r (y - nu)^2 + 2 nu sum r y - n nu^2.
 */
export function accumulateChunk(
  stats: GMMStats,
  chunk: Float32Array,
  shift: Float64Array,
  rows: number,
  centres?: Float64Array,
): void {
  const { nGaussians: k, nFeatures: d } = stats;
  const nOffset = 2 * d * k;
  for (let i = 0; i < k; i++) {
    const n = chunk[nOffset + i];
    stats.n[i] += n;
    for (let j = 0; j < d; j++) {
      const sy = chunk[j * k + i];
      const nu = centres === undefined ? 0 : centres[i * d + j];
      const syy = chunk[(d + j) * k + i] + 2 * nu * sy - n * nu * nu;
      const s = shift[j];
      stats.sumPx[i * d + j] += sy + n * s;
      stats.sumPxx[i * d + j] += syy + 2 * s * sy + n * s * s;
    }
  }
  stats.logLikelihood += chunk[nOffset + k];
  stats.t += rows;
}
