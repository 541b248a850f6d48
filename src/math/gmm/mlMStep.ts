import { GaussianParams } from './params.js';
import type { GMMStats } from '../../machines/GMMStats.js';

export interface MStepOptions {
  updateMeans: boolean;
  updateVariances: boolean;
  updateWeights: boolean;
  meanVarUpdateThreshold: number;
}

/**
 * Maximum-likelihood m-step (Bishop eq. 9.24-9.26) in float64, bob's order:
 * weights, then means, then variances from the new means. Variances are
 * returned unclamped: the machine applies its floors.
 */
export function mlMStep(params: GaussianParams, stats: GMMStats, o: MStepOptions): GaussianParams {
  const { nGaussians: k, nFeatures: d } = stats;
  const n = stats.n.map((v) => Math.max(v, o.meanVarUpdateThreshold));
  const weights = o.updateWeights ? n.map((v) => v / stats.t) : params.weights.slice();
  const means = params.means.slice();
  const variances = params.variances.slice();
  for (let i = 0; i < k; i++) {
    // A Gaussian with no responsibility under a threshold of 0 keeps its parameters instead of 0/0.
    if (n[i] === 0) continue;
    for (let j = 0; j < d; j++) {
      const a = i * d + j;
      if (o.updateMeans) means[a] = stats.sumPx[a] / n[i];
      if (o.updateVariances) variances[a] = stats.sumPxx[a] / n[i] - means[a] * means[a];
    }
  }
  return { weights, means, variances };
}
