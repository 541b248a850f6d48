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
 * The e-step's GEMM form: log(w_k N(x | mu_k, var_k)) = [y^2, y] . W[:, k] + b_k
 * with y = x - shift, W = [-0.5 / var; nu / var] ([2D, K]), nu = mu - shift, and
 * b_k = log w_k - 0.5 (g_k + sum_j nu_kj^2 / var_kj). Computed in float64.
 */
export function gemmCoefficients(
  params: GaussianParams,
  shift: Float64Array,
): { weights: Float64Array; bias: Float64Array } {
  const k = params.weights.length;
  const d = shift.length;
  const g = gNorms(params.variances, k);
  const weights = new Float64Array(2 * d * k);
  const bias = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let quad = 0;
    for (let j = 0; j < d; j++) {
      const precision = 1 / params.variances[i * d + j];
      const nu = params.means[i * d + j] - shift[j];
      weights[j * k + i] = -0.5 * precision;
      weights[(d + j) * k + i] = nu * precision;
      quad += nu * nu * precision;
    }
    bias[i] = Math.log(params.weights[i]) - 0.5 * (g[i] + quad);
  }
  return { weights, bias };
}

/**
 * The direct form: centres nu = mu - shift and half precisions 0.5 / var as
 * [2K, D] (rows 0..K-1, then K..2K-1), and b_k = log w_k - 0.5 g_k.
 */
export function directCoefficients(
  params: GaussianParams,
  shift: Float64Array,
): { weights: Float64Array; bias: Float64Array } {
  const k = params.weights.length;
  const d = shift.length;
  const g = gNorms(params.variances, k);
  const weights = new Float64Array(2 * k * d);
  for (let i = 0; i < k * d; i++) {
    weights[i] = params.means[i] - shift[i % d];
    weights[k * d + i] = 0.5 / params.variances[i];
  }
  const bias = params.weights.map((w, i) => Math.log(w) - 0.5 * g[i]);
  return { weights, bias };
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
