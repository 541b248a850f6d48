import { diagForm } from './diag.js';
import { fullForm } from './full.js';
import { sphericalForm } from './spherical.js';
import { tiedForm } from './tied.js';
import type { CovarianceForm, CovarianceType } from './form.js';

export { COVARIANCE_TYPES, type CovarianceForm, type CovarianceType } from './form.js';

const FORMS: Record<CovarianceType, CovarianceForm> = { diag: diagForm, full: fullForm, tied: tiedForm, spherical: sphericalForm };

/** The strategy object of a covariance type. */
export function covarianceForm(type: CovarianceType): CovarianceForm {
  return FORMS[type];
}
