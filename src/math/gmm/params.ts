import { LOG_2PI } from '../constants.js';

/** The parameters of a GMM in float64 on the host, row-major. */
export interface GaussianParams {
  /** [K] */
  weights: Float64Array;
  /** [K, D] */
  means: Float64Array;
  /** Each Gaussian's variances, [K, D]: the covariances of diag and spherical (equal in a row), the diagonals of the others'. */
  variances: Float64Array;
  /** The covariance matrices of full [K, D, D] or tied [D, D] Gaussians (with K = 1 the two are one); absent for diagonal ones. */
  covariances?: Float64Array;
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
 * The reference point subtracted from the data before any squaring: per feature, the
 * weighted median of the means. It follows the model, so it needs no pass over the data;
 * it lies inside the data once the model fits it, and a light Gaussian far away (a lone
 * outlier's) does not drag it away from the others, whose samples float32 then resolves.
 */
export function centreOfMeans(params: GaussianParams): Float64Array {
  const k = params.weights.length;
  const d = params.means.length / k;
  let total = 0;
  for (let i = 0; i < k; i++) total += params.weights[i];
  const weight = (i: number) => (total > 0 ? params.weights[i] / total : 1 / k);
  const shift = new Float64Array(d);
  const order = Array.from({ length: k }, (_, i) => i);
  for (let j = 0; j < d; j++) {
    order.sort((a, b) => params.means[a * d + j] - params.means[b * d + j]);
    let below = 0;
    for (const i of order) {
      below += weight(i);
      shift[j] = params.means[i * d + j];
      if (below >= 0.5) break;
    }
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
 * Where float32 stops resolving a Gaussian: samples near nu = mu - shift reach the device
 * rounded by up to 2^-24 |nu|, and so does nu. A variance below (RESOLUTION |nu|)^2 would
 * make the Gaussian's exponent rounding noise; RESOLUTION = 2^-20 bounds that noise by 1/128
 * nat per feature for a sample at the Gaussian's centre (both roundings, 2^-23 |nu|, squared
 * over twice the raised variance).
 */
export const RESOLUTION = 2 ** -20;

/**
 * The variances the device computes with, [K, D]: each raised to float32's resolution at its
 * Gaussian's place, and per Gaussian the log-normalisation that raising takes away,
 * lost_k = 0.5 sum_j log(deviceVariance_kj / variance_kj) (0 for a Gaussian float32 resolves).
 * Such a Gaussian is narrower than float32 can see: its samples coincide with its centre there,
 * and adding lost_k back to their log-likelihoods gives them the float64 value.
 */
export function deviceVariances(params: GaussianParams, shift: Float64Array): { variances: Float64Array; lost: Float64Array } {
  const k = params.weights.length;
  const d = shift.length;
  const variances = params.variances.slice();
  const lost = new Float64Array(k);
  for (let e = 0; e < variances.length; e++) {
    const floor = (RESOLUTION * (params.means[e] - shift[e % d])) ** 2;
    if (variances[e] >= floor) continue;
    lost[Math.floor(e / d)] += 0.5 * Math.log(floor / variances[e]);
    variances[e] = floor;
  }
  return { variances, lost };
}
