/**
 * Stepwise (online) EM (Cappé and Moulines 2009; Liang and Klein 2009): running statistics per
 * sample, s <- (1 - eta_t) s + eta_t s_batch with eta_t = (t + 2)^-alpha, alpha in (0.5, 1],
 * and an m-step from s after each batch t (the first batch's statistics start s: eta_0 = 1).
 */
import { addMoments, type Moments } from './moments.js';

export function stepSize(batchesSeen: number, alpha: number): number {
  return batchesSeen === 0 ? 1 : (batchesSeen + 2) ** -alpha;
}

/** Scales every statistic (t, the log-likelihood, n and both moments) by f, in place. */
export function scaleMoments(m: Moments, f: number): void {
  m.t *= f;
  m.logLikelihood *= f;
  for (const a of [m.n, m.first, m.second]) for (let i = 0; i < a.length; i++) a[i] *= f;
}

/** running <- (1 - eta) running + eta batch / batch.t: statistics of one average sample (t = 1). */
export function blend(running: Moments, batch: Moments, eta: number): void {
  scaleMoments(batch, eta / batch.t);
  scaleMoments(running, 1 - eta);
  addMoments(running, batch);
}
