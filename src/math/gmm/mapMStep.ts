import { GaussianParams } from './params.js';
import { MStepOptions } from './mlMStep.js';
import type { GMMStats } from '../../machines/GMMStats.js';

export interface MapOptions extends MStepOptions {
  /** Reynolds' relevance factor r (alpha_k = n_k / (n_k + r)); null: the fixed alpha below. */
  relevanceFactor: number | null;
  alpha: number;
  /**
   * 'reynolds': eq. 13 of Reynolds et al. (2000), prior second moment var + mu^2.
   * 'bob': bob.learn.em's var + mu (kept for compatibility with its models).
   */
  varianceUpdate: 'reynolds' | 'bob';
}

/** MAP adaptation from a UBM (Reynolds et al. 2000, eq. 11-13) in float64. */
export function mapMStep(
  params: GaussianParams,
  ubm: GaussianParams,
  stats: GMMStats,
  o: MapOptions,
): GaussianParams {
  const { nGaussians: k, nFeatures: d } = stats;
  const thr = o.meanVarUpdateThreshold;
  const alpha = stats.n.map((n) => (o.relevanceFactor === null ? o.alpha : n / (n + o.relevanceFactor)));
  let weights = params.weights.slice();
  if (o.updateWeights) {
    weights = alpha.map((a, i) => a * (stats.n[i] / stats.t) + (1 - a) * ubm.weights[i]);
    const gamma = weights.reduce((s, w) => s + w, 0);
    weights = weights.map((w) => w / gamma);
  }
  const means = params.means.slice();
  const variances = params.variances.slice();
  for (let i = 0; i < k; i++) {
    const n = stats.n[i];
    const a = alpha[i];
    // n == 0 (a threshold of 0 and an empty Gaussian) counts as below the threshold: no 0/0.
    const below = n < thr || n === 0;
    for (let j = 0; j < d; j++) {
      const e = i * d + j;
      if (o.updateMeans) {
        means[e] = below ? ubm.means[e] : a * (stats.sumPx[e] / n) + (1 - a) * ubm.means[e];
      }
      if (o.updateVariances) {
        const mu2 = means[e] * means[e];
        if (o.varianceUpdate === 'bob') {
          const prior = ubm.variances[e] + ubm.means[e];
          variances[e] = below ? prior - mu2 : a * (stats.sumPxx[e] / n) + (1 - a) * prior - mu2;
        } else {
          const prior = ubm.variances[e] + ubm.means[e] * ubm.means[e];
          variances[e] = below ? ubm.variances[e] : a * (stats.sumPxx[e] / n) + (1 - a) * prior - mu2;
        }
      }
    }
  }
  return { weights, means, variances };
}
