import { GaussianParams } from './params.js';
import type { Moments } from './moments.js';

export interface MStepOptions {
  updateMeans: boolean;
  updateVariances: boolean;
  updateWeights: boolean;
  meanVarUpdateThreshold: number;
}

/**
 * Maximum-likelihood m-step (Bishop eq. 9.24-9.26) in float64, bob's order:
 * weights, then means, then variances from the new means. Written in the
 * moments about each Gaussian's centre a (first f, second s, divided by
 * n' = max(n, threshold); rho = n / n'):
 *   mean = rho a + f/n',  var = s/n' - (f/n')^2 + (1 - rho)(2 a f/n' + rho a^2),
 * which is bob's sumPxx/n' - mean^2 without its cancellation (the last term is
 * bob's, for Gaussians under the threshold). Variances are returned
 * unclamped: the machine applies its floors.
 */
export function mlMStep(params: GaussianParams, stats: Moments, o: MStepOptions): GaussianParams {
  const { nGaussians: k, nFeatures: d } = stats;
  const { centre, first, second } = stats;
  const n = stats.n.map((v) => Math.max(v, o.meanVarUpdateThreshold));
  const weights = o.updateWeights ? n.map((v) => v / stats.t) : params.weights.slice();
  const means = params.means.slice();
  const variances = params.variances.slice();
  for (let i = 0; i < k; i++) {
    // A Gaussian with no responsibility under a threshold of 0 keeps its parameters instead of 0/0.
    if (n[i] === 0) continue;
    const rho = stats.n[i] / n[i];
    for (let j = 0; j < d; j++) {
      const e = i * d + j;
      const a = centre === null ? 0 : centre[e];
      const e1 = first[e] / n[i];
      const e2 = second[e] / n[i];
      if (o.updateVariances) {
        // bob's sumPxx/n' - mu^2 with mu the mean in use: the new one, or the kept one.
        const mu = params.means[e];
        variances[e] = o.updateMeans
          ? e2 - e1 * e1 + (1 - rho) * (2 * a * e1 + rho * a * a)
          : e2 + 2 * a * e1 + (a - mu) * (a + mu) - (1 - rho) * a * a;
      }
      if (o.updateMeans) means[e] = rho * a + e1;
    }
  }
  return { weights, means, variances };
}
