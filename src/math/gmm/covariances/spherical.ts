import { invalidArgument } from '../../../errors.js';
import { mapStrategy, mlStrategy, type MStep } from '../mStep.js';
import { DeviceModel } from '../deviceModel.js';
import type { GaussianParams } from '../params.js';
import type { CovarianceForm } from './form.js';

/**
 * One variance per Gaussian, [K] (scikit-learn's spherical): the diagonal e-step with equal
 * variances, and the diagonal m-step's variances averaged over the features (scikit-learn's
 * _estimate_gaussian_covariances_spherical). A Gaussian's variance is floored at the largest
 * of its variance thresholds, so that no feature goes below its own.
 */
export const sphericalForm: CovarianceForm = {
  type: 'spherical',
  secondOrder: 'diagonal',
  shape: (k) => [k],
  parameterCount: (k) => k,
  variances: (covariances, k, d) => Float64Array.from({ length: k * d }, (_, e) => covariances[Math.floor(e / d)]),
  covariancesOf: (params, k, d) => averaged(params.variances, k, d),
  params: (weights, means, covariances) => ({ weights, means, variances: sphericalForm.variances(covariances, weights.length, means.length / weights.length) }),
  fromVariances: (variances, _weights, k, d) => averaged(variances, k, d),
  check(covariances, _k, _d, what) {
    const bad = covariances.findIndex((v) => !(v > 0) || !Number.isFinite(v));
    if (bad >= 0) throw invalidArgument(`${what} must be finite and > 0; Gaussian ${bad}'s is ${covariances[bad]}`);
  },
  floored: (covariances, floors, _k, d) => covariances.map((v, i) => Math.max(v, ...floors.subarray(i * d, (i + 1) * d))),
  ml: (options) => spherical(mlStrategy(options)),
  map: (ubm, options) => spherical(mapStrategy(ubm, options)),
  device: () => new DeviceModel(),
};

/** The diagonal m-step, its variances averaged per Gaussian. */
function spherical(diagonal: MStep): MStep {
  return (params, moments): GaussianParams => {
    const next = diagonal(params, moments);
    const k = next.weights.length;
    const d = next.means.length / k;
    return { ...next, variances: sphericalForm.variances(averaged(next.variances, k, d), k, d) };
  };
}

function averaged(variances: Float64Array, k: number, d: number): Float64Array {
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) out[i] += variances[i * d + j] / d;
  return out;
}
