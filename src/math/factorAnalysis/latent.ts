/**
 * The posterior means of the latent variables given the others (McCool et al. 2013, eqs.
 * 29-31; bob's compute_latent_x, update_y, update_z), each with its posterior covariance and the
 * residual first moments it was computed from (the accumulators reuse both):
 *   x_ih = (I + U^T Sigma^-1 N_ih U)^-1 U^T Sigma^-1 (f_ih - N_ih (V y_i + D z_i))
 *   y_i  = (I + V^T Sigma^-1 N_i V)^-1 V^T Sigma^-1 (f_i - N_i D z_i - sum_h N_ih U x_ih)
 *   z_i  = (I + D Sigma^-1 N_i D)^-1 D Sigma^-1 (f_i - N_i V y_i - sum_h N_ih U x_ih)
 * (bob's Python update_y takes f_i - N_i (m - D z_i), a sign slip against its own comment and
 * its C++ ancestor; the model's sign is used here. It matters only where z is not zero, which
 * bob's fit never meets: it changes enrolment with enrollIterations > 1.)
 */
import { hostProducts } from './batched.js';
import { type FactorModel, type Session, type Speaker, posteriorCovariances, subtractWeighted, times } from './model.js';

export interface Latent {
  /** The posterior mean. */
  mean: Float64Array;
  /** Its covariance: [r, r] for x and y; the diagonal [C*D] for z. */
  cov: Float64Array;
  /** The residual first moments the mean was computed from, [C*D]. */
  residual: Float64Array;
}

/** The x of sessions, each offset by its speaker's V y_i + D z_i first (offsets[h] null: none). */
export function latentXs(model: FactorModel, uTerms: Float64Array, sessions: Session[], offsets: (Float64Array | null)[]): Latent[] {
  const residuals = sessions.map((s, h) => {
    const offset = offsets[h];
    return offset === null ? s.f.slice() : subtractWeighted(s.f.slice(), s.n, offset, model.d);
  });
  const products = model.products ?? hostProducts;
  const covs = posteriorCovariances(uTerms, sessions.map((s) => s.n), model.rU, products);
  const projected = products.projectEach(model.u, model.sigma, residuals, model.rU);
  return sessions.map((_, h) => ({ mean: times(covs[h], projected[h], model.rU), cov: covs[h], residual: residuals[h] }));
}

/** f_i minus every session's N_ih U x_ih (xs null: x = 0); uxs: the U x_ih when the caller has them. */
function withoutSessions(model: FactorModel, speaker: Speaker, xs: Float64Array[] | null, uxs?: Float64Array[]): Float64Array {
  const residual = speaker.f.slice();
  if (xs === null) return residual;
  (uxs ?? (model.products ?? hostProducts).timesEach(model.u, xs, model.rU)).forEach((ux, h) => subtractWeighted(residual, speaker.sessions[h].n, ux, model.d));
  return residual;
}

/** Speaker i's y (JFA), given its sessions' x and its z (null: zero). */
export function latentY(model: FactorModel, vTerms: Float64Array, speaker: Speaker, xs: Float64Array[] | null, z: Float64Array | null): Latent {
  const residual = withoutSessions(model, speaker, xs);
  if (z !== null) subtractWeighted(residual, speaker.n, diagTimes(model.dDiag, z), model.d);
  const products = model.products ?? hostProducts;
  const [cov] = posteriorCovariances(vTerms, [speaker.n], model.rV, products);
  return { mean: times(cov, products.projectEach(model.v!, model.sigma, [residual], model.rV)[0], model.rV), cov, residual };
}

/** Speaker i's z, given its sessions' x (and their U x, when known) and its y (null: zero, and always for ISV). */
export function latentZ(model: FactorModel, speaker: Speaker, xs: Float64Array[] | null, y: Float64Array | null, uxs?: Float64Array[]): Latent {
  const residual = withoutSessions(model, speaker, xs, uxs);
  if (y !== null) subtractWeighted(residual, speaker.n, times(model.v!, y, model.rV), model.d);
  const { d, dDiag, sigma } = model;
  const cov = new Float64Array(residual.length);
  const mean = new Float64Array(residual.length);
  for (let i = 0; i < residual.length; i++) {
    const dOverSigma = dDiag[i] / sigma[i];
    cov[i] = 1 / (1 + dOverSigma * dDiag[i] * speaker.n[(i / d) | 0]);
    mean[i] = cov[i] * dOverSigma * residual[i];
  }
  return { mean, cov, residual };
}

/** D z, elementwise. */
export function diagTimes(dDiag: Float64Array, z: Float64Array): Float64Array {
  return dDiag.map((v, i) => v * z[i]);
}

/** V y + D z (JFA's offset of a speaker's sessions), or D z alone (ISV: y null). */
export function speakerOffset(model: FactorModel, y: Float64Array | null, z: Float64Array | null): Float64Array {
  const offset = z === null ? new Float64Array(model.dDiag.length) : diagTimes(model.dDiag, z);
  if (y !== null) times(model.v!, y, model.rV).forEach((v, i) => (offset[i] += v));
  return offset;
}
