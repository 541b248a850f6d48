/**
 * A covariance type as one strategy object (scikit-learn's covariance_type, with its
 * _estimate_gaussian_covariances_<type> functions): how the covariances are laid out and
 * checked, how many free parameters they have, how the statistics hold their second moments,
 * the m-steps that estimate them, and the device model of the e-step.
 */
import type { GaussianParams } from '../params.js';
import type { SecondOrder } from '../moments.js';
import type { MStep } from '../mStep.js';
import type { MStepOptions } from '../mlMStep.js';
import type { MapOptions } from '../mapMStep.js';
import type { GaussianDevice } from '../device.js';

export const COVARIANCE_TYPES = ['diag', 'full', 'tied', 'spherical'] as const;
export type CovarianceType = (typeof COVARIANCE_TYPES)[number];

/** The m-steps' options beside bob's: full and tied add regCovar to the covariances' diagonal. */
export interface CovarianceMStepOptions extends MStepOptions {
  regCovar: number;
}

export interface CovarianceForm {
  readonly type: CovarianceType;
  /** How the statistics hold the second moments. */
  readonly secondOrder: SecondOrder;
  /** The covariances' shape: diag [K, D], spherical [K], full [K, D, D], tied [D, D]. */
  shape(k: number, d: number): number[];
  /** scikit-learn's count of the covariances' free parameters. */
  parameterCount(k: number, d: number): number;
  /** Each Gaussian's variances, the diagonals of its covariance, [K, D]. */
  variances(covariances: Float64Array, k: number, d: number): Float64Array;
  /** The covariances, in this type's layout, of parameters (an m-step's). */
  covariancesOf(params: GaussianParams, k: number, d: number): Float64Array;
  /** Parameters of these covariances. */
  params(weights: Float64Array, means: Float64Array, covariances: Float64Array): GaussianParams;
  /** The covariances of Gaussians with these variances [K, D] and weights (the k-means start). */
  fromVariances(variances: Float64Array, weights: Float64Array, k: number, d: number, regCovar: number): Float64Array;
  /** Throws INVALID_ARGUMENT naming the first value, or Gaussian, that cannot be a covariance; `what` names them. */
  check(covariances: Float64Array, k: number, d: number, what: string): void;
  /** The covariances raised to the variance floors [K, D] (diag, spherical); full and tied are returned as they are. */
  floored(covariances: Float64Array, floors: Float64Array, k: number, d: number): Float64Array;
  /** The maximum-likelihood m-step. */
  ml(options: CovarianceMStepOptions): MStep;
  /** MAP adaptation of `ubm` (parameters of this covariance type). */
  map(ubm: GaussianParams, options: MapOptions & { regCovar: number }): MStep;
  /** A device model for the e-step of this type's Gaussians. */
  device(): GaussianDevice;
}
