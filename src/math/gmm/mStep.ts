/** The m-step strategies: maximum likelihood, or MAP adaptation of a UBM. */
import type { GaussianParams } from './params.js';
import type { Moments } from './moments.js';
import { type MStepOptions, mlMStep } from './mlMStep.js';
import { type MapOptions, mapMStep } from './mapMStep.js';

/** New parameters from the current ones and an e-step's statistics (variances unfloored). */
export type MStep = (params: GaussianParams, moments: Moments) => GaussianParams;

export function mlStrategy(options: MStepOptions): MStep {
  return (params, moments) => mlMStep(params, moments, options);
}

export function mapStrategy(ubm: GaussianParams, options: MapOptions): MStep {
  return (params, moments) => mapMStep(params, ubm, moments, options);
}
