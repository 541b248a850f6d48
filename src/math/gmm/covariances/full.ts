import { invalidArgument } from '../../../errors.js';
import { cholesky } from '../../linalg.js';
import { mapFullMStep, mlFullMStep } from '../fullMStep.js';
import { WhitenedDevice } from '../whitenedDevice.js';
import type { CovarianceForm } from './form.js';

/** A covariance matrix per Gaussian, [K, D, D]: whitened e-steps, scikit-learn's estimate plus regCovar. */
export const fullForm: CovarianceForm = {
  type: 'full',
  secondOrder: 'full',
  shape: (k, d) => [k, d, d],
  parameterCount: (k, d) => (k * d * (d + 1)) / 2,
  variances: (covariances, k, d) => diagonals(covariances, k, d, false),
  covariancesOf: (params) => params.covariances!.slice(),
  params: (weights, means, covariances) => {
    const k = weights.length;
    const d = means.length / k;
    return { weights, means, variances: diagonals(covariances, k, d, false), covariances };
  },
  fromVariances: (variances, _weights, k, d, regCovar) => {
    const out = new Float64Array(k * d * d);
    for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) out[i * d * d + j * d + j] = variances[i * d + j] + regCovar;
    return out;
  },
  check: (covariances, k, d, what) => checkMatrices(covariances, k, d, what, false),
  floored: (covariances) => covariances.slice(),
  ml: (options) => (params, moments) => mlFullMStep(params, moments, options),
  map: (ubm, options) => (params, moments) => mapFullMStep(params, ubm, moments, options),
  device: () => new WhitenedDevice(false),
};

/** Each Gaussian's variances [K, D]: the diagonals of its matrix (tied: of the one matrix). */
export function diagonals(covariances: Float64Array, k: number, d: number, tied: boolean): Float64Array {
  const out = new Float64Array(k * d);
  for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) out[i * d + j] = covariances[(tied ? 0 : i * d * d) + j * d + j];
  return out;
}

/** Finite, symmetric (to 1e-10 of the diagonal's scale) and positive definite, per matrix. */
export function checkMatrices(covariances: Float64Array, k: number, d: number, what: string, tied: boolean): void {
  for (let f = 0; f < (tied ? 1 : k); f++) {
    const whose = tied ? what : `${what} [${f}]`;
    const at = f * d * d;
    for (let e = 0; e < d * d; e++) {
      if (!Number.isFinite(covariances[at + e])) throw invalidArgument(`${whose} must be finite; value [${Math.floor(e / d)}, ${e % d}] is ${covariances[at + e]}`);
    }
    for (let r = 0; r < d; r++) {
      for (let c = 0; c < r; c++) {
        const [a, b] = [covariances[at + r * d + c], covariances[at + c * d + r]];
        const scale = Math.sqrt(Math.abs(covariances[at + r * d + r] * covariances[at + c * d + c]));
        if (Math.abs(a - b) > 1e-10 * scale) throw invalidArgument(`${whose} must be symmetric; [${r}, ${c}] is ${a} and [${c}, ${r}] is ${b}`);
      }
    }
    const l = cholesky(covariances, d, at);
    if (typeof l === 'number') throw invalidArgument(`${whose} must be positive definite; its Cholesky factorisation fails at feature ${-l - 1}`);
  }
}
