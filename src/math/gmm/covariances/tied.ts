import { mapFullMStep, mlFullMStep } from '../fullMStep.js';
import { WhitenedDevice } from '../whitenedDevice.js';
import { checkMatrices, diagonals } from './full.js';
import type { CovarianceForm } from './form.js';

/**
 * One covariance matrix shared by every Gaussian, [D, D]: e-steps on P y (one whitening per
 * sample), statistics with the second moments pooled over the Gaussians, scikit-learn's
 * estimate plus regCovar.
 */
export const tiedForm: CovarianceForm = {
  type: 'tied',
  secondOrder: 'pooled',
  shape: (_k, d) => [d, d],
  parameterCount: (_k, d) => (d * (d + 1)) / 2,
  variances: (covariances, k, d) => diagonals(covariances, k, d, true),
  covariancesOf: (params) => params.covariances!.slice(),
  params: (weights, means, covariances) => {
    const k = weights.length;
    const d = means.length / k;
    return { weights, means, variances: diagonals(covariances, k, d, true), covariances };
  },
  /** The variances pooled by weight (the within-cluster variances of the k-means start). */
  fromVariances: (variances, weights, k, d, regCovar) => {
    const out = new Float64Array(d * d);
    const total = weights.reduce((s, w) => s + w, 0);
    for (let i = 0; i < k; i++) {
      const share = total > 0 ? weights[i] / total : 1 / k;
      for (let j = 0; j < d; j++) out[j * d + j] += share * variances[i * d + j];
    }
    for (let j = 0; j < d; j++) out[j * d + j] += regCovar;
    return out;
  },
  check: (covariances, k, d, what) => checkMatrices(covariances, k, d, what, true),
  floored: (covariances) => covariances.slice(),
  ml: (options) => (params, moments) => mlFullMStep(params, moments, options),
  map: (ubm, options) => (params, moments) => mapFullMStep(params, ubm, moments, options),
  device: () => new WhitenedDevice(true),
};
