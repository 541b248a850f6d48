/**
 * The factor-analysis model of ISV and JFA (bob.learn.em's factor_analysis.py; McCool et al.
 * 2013) over a diagonal UBM with means m and variances Sigma, in the GMM mean-supervector space
 * of C * D values: a session h of speaker i has the supervector
 *   mu_ih = m + U x_ih + V y_i + D z_i,
 * with U [C*D, rU] (session variability), V [C*D, rV] (speaker variability; JFA only), D a
 * diagonal [C*D] and standard normal latent x, y, z. Sessions enter as their GMM statistics
 * about the UBM's means (n [C] and f = F - n m [C*D], taken from the statistics' own centres
 * so nothing cancels). Float64 on the host; supervectors and matrices row-major (bob's order).
 */
import type { Moments } from '../gmm/moments.js';
import { momentsAbout } from '../gmm/moments.js';
import { inverseSpd } from '../linalg.js';
import { hostProducts, mirrorUppers, timesEach, type Products } from './batched.js';

export interface FactorModel {
  c: number;
  d: number;
  /** The UBM's means m and variances Sigma, [C*D]. */
  means: Float64Array;
  sigma: Float64Array;
  u: Float64Array;
  rU: number;
  /** null for ISV. */
  v: Float64Array | null;
  rV: number;
  /** D's diagonal, [C*D]. */
  dDiag: Float64Array;
  /** W_c^T Sigma_c^-1 W_c per Gaussian for W = u or v, where the caller keeps them between calls (else computed). */
  termsOf?: (w: Float64Array, r: number) => Float64Array;
  /** Where the batched products run (default: the host, float64). */
  products?: Products;
}

/** One session: responsibilities n [C] and first moments about the UBM's means f [C*D]. */
export interface Session {
  n: Float64Array;
  f: Float64Array;
}

/** A speaker's sessions and their sums. */
export interface Speaker extends Session {
  sessions: Session[];
}

export function sessionOf(stats: Moments, means: Float64Array): Session {
  return { n: stats.n.slice(), f: momentsAbout(stats, means).first };
}

export function speakerOf(sessions: Session[], { c, d }: { c: number; d: number }): Speaker {
  const n = new Float64Array(c);
  const f = new Float64Array(c * d);
  for (const s of sessions) {
    s.n.forEach((v, g) => (n[g] += v));
    s.f.forEach((v, i) => (f[i] += v));
  }
  return { sessions, n, f };
}

/** (I + sum_c n_hc P_c)^-1 for each h, per-Gaussian terms P [C, r, r] (W_c^T Sigma_c^-1 W_c, symmetric). */
export function posteriorCovariances(terms: Float64Array, ns: Float64Array[], r: number, products: Products = hostProducts): Float64Array[] {
  return products.weightedSums(terms, ns, r).map((a) => {
    mirrorUppers(a, r);
    for (let i = 0; i < r; i++) a[i * r + i] += 1;
    return inverseSpd(a, r)!; // I plus semidefinite terms: positive definite
  });
}

/** W x for W [rows, r] (a supervector for U or V; p x for a posterior covariance p [r, r]). */
export function times(w: Float64Array, x: Float64Array, r: number): Float64Array {
  return timesEach(w, [x], r)[0];
}

/** target -= n_c v per supervector element (n repeated over each Gaussian's D features). */
export function subtractWeighted(target: Float64Array, n: Float64Array, v: Float64Array, d: number): Float64Array {
  for (let i = 0; i < target.length; i++) target[i] -= n[(i / d) | 0] * v[i];
  return target;
}
