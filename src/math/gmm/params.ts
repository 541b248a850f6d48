import { LOG_2PI } from '../constants.js';

/** The parameters of a diagonal GMM in float64 on the host, row-major [nGaussians, nFeatures]. */
export interface GaussianParams {
  weights: Float64Array;
  means: Float64Array;
  variances: Float64Array;
}

/** bob's g_norms: D log(2 pi) + sum_j log var_kj, one per Gaussian. */
export function gNorms(variances: Float64Array, nGaussians: number): Float64Array {
  const d = variances.length / nGaussians;
  const out = new Float64Array(nGaussians);
  for (let k = 0; k < nGaussians; k++) {
    let s = d * LOG_2PI;
    for (let j = 0; j < d; j++) s += Math.log(variances[k * d + j]);
    out[k] = s;
  }
  return out;
}

/**
 * The reference point subtracted from the data before any squaring: the
 * weighted centre of the means. It follows the model, so it needs no pass over
 * the data, and it lies inside the data once the model fits it.
 */
export function centreOfMeans(params: GaussianParams): Float64Array {
  const k = params.weights.length;
  const d = params.means.length / k;
  const shift = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < k; i++) total += params.weights[i];
  for (let i = 0; i < k; i++) {
    const w = total > 0 ? params.weights[i] / total : 1 / k;
    for (let j = 0; j < d; j++) shift[j] += w * params.means[i * d + j];
  }
  return shift;
}

/**
 * The Gaussians as the e-step takes them, [D, K] (feature-major) in float64:
 *   log(w_k N(x | mu_k, var_k)) = c_k - sum_j (y_j - nu_jk)^2 h_jk,  y = x - shift,
 * with nu = mu - shift, h = 1 / (2 var) and c_k = log w_k - 0.5 g_k.
 */
export function gaussianCoefficients(
  params: GaussianParams,
  shift: Float64Array,
): { nu: Float64Array; h: Float64Array; c: Float64Array } {
  const k = params.weights.length;
  const d = shift.length;
  const nu = new Float64Array(d * k);
  const h = new Float64Array(d * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < d; j++) {
      nu[j * k + i] = params.means[i * d + j] - shift[j];
      h[j * k + i] = 0.5 / params.variances[i * d + j];
    }
  }
  const g = gNorms(params.variances, k);
  const c = params.weights.map((w, i) => Math.log(w) - 0.5 * g[i]);
  return { nu, h, c };
}

/**
 * The first variance that float32 cannot resolve at its Gaussian's place: samples near
 * nu = mu - shift reach the device rounded by about 2^-24 |nu|, and a variance below
 * that squared makes every log-likelihood of the Gaussian rounding noise. null: none.
 */
export function unresolvableVariance(
  params: GaussianParams,
  shift: Float64Array,
): { index: number; variance: number; resolution: number } | null {
  const d = shift.length;
  for (let i = 0; i < params.variances.length; i++) {
    const resolution = 2 ** -24 * Math.abs(params.means[i] - shift[i % d]);
    if (params.variances[i] < resolution * resolution) return { index: i, variance: params.variances[i], resolution };
  }
  return null;
}
