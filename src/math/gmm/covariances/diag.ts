import { invalidArgument } from '../../../errors.js';
import { mapStrategy, mlStrategy } from '../mStep.js';
import { DeviceModel } from '../deviceModel.js';
import type { CovarianceForm } from './form.js';

/** bob's diagonal covariances: variances [K, D], floored by the variance thresholds. */
export const diagForm: CovarianceForm = {
  type: 'diag',
  secondOrder: 'diagonal',
  shape: (k, d) => [k, d],
  parameterCount: (k, d) => k * d,
  variances: (covariances) => covariances.slice(),
  covariancesOf: (params) => params.variances.slice(),
  params: (weights, means, covariances) => ({ weights, means, variances: covariances }),
  fromVariances: (variances) => variances.slice(),
  check(covariances, _k, d, what) {
    const bad = covariances.findIndex((v) => !(v > 0) || !Number.isFinite(v));
    if (bad >= 0) throw invalidArgument(`${what} must be finite and > 0; value [${Math.floor(bad / d)}, ${bad % d}] is ${covariances[bad]}`);
  },
  floored: (covariances, floors) => covariances.map((v, e) => Math.max(v, floors[e])),
  ml: (options) => mlStrategy(options),
  map: (ubm, options) => mapStrategy(ubm, options),
  device: () => new DeviceModel(),
};
