import { GaussianParams } from './params.js';
import { MStepOptions } from './mlMStep.js';
import type { Moments } from './moments.js';

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

/**
 * MAP adaptation from a UBM (Reynolds et al. 2000, eq. 11-13) in float64,
 * written in the moments of c = x - mu_ubm (from those about each Gaussian's
 * centre): mean = mu_ubm + alpha E[c] and, Reynolds' variance with the new mean,
 * alpha E[c^2] + (1 - alpha) var_ubm - alpha^2 E[c]^2: no E[x^2] - mu^2 cancellation.
 */
export function mapMStep(
  params: GaussianParams,
  ubm: GaussianParams,
  stats: Moments,
  o: MapOptions,
): GaussianParams {
  const { nGaussians: k, nFeatures: d } = stats;
  const { centre, first, second } = stats;
  const thr = o.meanVarUpdateThreshold;
  const { alpha, weights } = mapWeights(params, ubm, stats, o);
  const means = params.means.slice();
  const variances = params.variances.slice();
  for (let i = 0; i < k; i++) {
    const n = stats.n[i];
    const a = alpha[i];
    // n == 0 (a threshold of 0 and an empty Gaussian) counts as below the threshold: no 0/0.
    const below = n < thr || n === 0;
    for (let j = 0; j < d; j++) {
      const e = i * d + j;
      const u = ubm.means[e];
      // E[c] and E[c^2] about the UBM mean, from the moments about the centre.
      const offset = (centre === null ? 0 : centre[e]) - u;
      const c1 = below ? 0 : first[e] / n + offset;
      const c2 = below ? 0 : second[e] / n + offset * (2 * first[e] / n + offset);
      if (o.updateMeans) means[e] = below ? u : u + a * c1;
      if (!o.updateVariances) continue;
      const m = means[e];
      if (o.varianceUpdate === 'bob') {
        // bob.learn.em's prior var + mu (not + mu^2), kept for its models.
        const prior = ubm.variances[e] + u;
        const x2 = c2 + u * (2 * c1 + u);
        variances[e] = below ? prior - m * m : a * x2 + (1 - a) * prior - m * m;
      } else if (below) {
        variances[e] = ubm.variances[e];
      } else {
        // a E[x^2] + (1 - a)(var_ubm + u^2) - m^2; with m = u + a E[c] the u terms cancel exactly.
        const rest = o.updateMeans ? -a * a * c1 * c1 : 2 * a * u * c1 + (u - m) * (u + m);
        variances[e] = a * c2 + (1 - a) * ubm.variances[e] + rest;
      }
    }
  }
  return { weights, means, variances };
}

/**
 * Each Gaussian's adaptation weight alpha (relevance factor, or the fixed alpha) and the MAP
 * weights (alpha n / T + (1 - alpha) w_ubm, normalised), or the current ones without updateWeights.
 */
export function mapWeights(params: GaussianParams, ubm: GaussianParams, stats: Moments, o: MapOptions): { alpha: Float64Array; weights: Float64Array } {
  const alpha = stats.n.map((n) => (o.relevanceFactor === null ? o.alpha : n / (n + o.relevanceFactor)));
  if (!o.updateWeights) return { alpha, weights: params.weights.slice() };
  const raw = alpha.map((a, i) => a * (stats.n[i] / stats.t) + (1 - a) * ubm.weights[i]);
  const gamma = raw.reduce((s, w) => s + w, 0);
  return { alpha, weights: raw.map((w) => w / gamma) };
}
