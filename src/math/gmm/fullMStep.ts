/**
 * The m-steps of full and tied covariances in float64, from moments about each Gaussian's
 * centre a_k (first f_k, second S_k or their pooled sum; see moments.ts). Every covariance is
 * a scatter about the means in use m_k (the new ones, or the kept ones when means are not
 * updated), written with b = a - m so that nothing cancels:
 *   scatter_k = S_k + b f^T + f b^T + n b b^T = sum_i r_ik (x_i - m_k)(x_i - m_k)^T.
 * ML (scikit-learn's estimates, bob's weights and means with n' = max(n, threshold)):
 *   full: scatter_k / n'_k + regCovar I;  tied: sum_k scatter_k / sum_k n_k + regCovar I.
 * MAP (Reynolds et al. 2000, eq. 11-13, in centred terms), with alpha_k per Gaussian:
 *   full: alpha scatter_k / n + (1 - alpha)(Sigma_ubm + (u - m)(u - m)^T) + regCovar I, which
 *   with m = u + alpha E[c] is alpha E[c c^T] + (1 - alpha) Sigma_ubm - alpha^2 E[c] E[c]^T
 *   (c = x - u); tied: the same with the pooled scatter and the average alpha
 *   abar = sum_k n_k alpha_k / sum_k n_k in place of each alpha_k (the pooled moments hold no
 *   per-Gaussian second moments), (1 - alpha_k) weighting each Gaussian's own mean term.
 * Covariances are returned as estimated (see fromScatter): the machine checks that they are
 * positive definite.
 */
import type { GaussianParams } from './params.js';
import type { Moments } from './moments.js';
import type { MStepOptions } from './mlMStep.js';
import { type MapOptions, mapWeights } from './mapMStep.js';
import { cholesky, clipNegativeEigenvalues, symmetrize } from '../linalg.js';

interface RegOptions {
  regCovar: number;
}

export function mlFullMStep(params: GaussianParams, stats: Moments, o: MStepOptions & RegOptions): GaussianParams {
  const { nGaussians: k, nFeatures: d } = stats;
  const n = stats.n.map((v) => Math.max(v, o.meanVarUpdateThreshold));
  const weights = o.updateWeights ? n.map((v) => v / stats.t) : params.weights.slice();
  const means = params.means.slice();
  for (let i = 0; i < k; i++) {
    if (n[i] === 0 || !o.updateMeans) continue;
    const rho = stats.n[i] / n[i];
    for (let j = 0; j < d; j++) means[i * d + j] = rho * centreOf(stats, i * d + j) + stats.first[i * d + j] / n[i];
  }
  const covariances = covariancesOf(params).slice();
  if (o.updateVariances) {
    const tied = stats.secondOrder === 'pooled';
    const total = tied ? scatter(stats, means, -1) : null;
    const pooled = stats.n.reduce((s, v) => s + v, 0);
    for (let i = 0; i < (tied ? 1 : k); i++) {
      if (!tied && n[i] === 0) continue; // an empty Gaussian under a threshold of 0 keeps its covariance
      if (tied && !(pooled > 0)) continue;
      const divisor = tied ? pooled : n[i];
      const block = fromScatter(tied ? total! : scatter(stats, means, i), d, (s) => {
        const c = s.map((v) => v / divisor);
        addToDiagonal(c, 0, d, o.regCovar);
        return c;
      });
      covariances.set(block, i * d * d);
    }
  }
  return withCovariances({ weights, means }, covariances, k, d);
}

export function mapFullMStep(params: GaussianParams, ubm: GaussianParams, stats: Moments, o: MapOptions & RegOptions): GaussianParams {
  const { nGaussians: k, nFeatures: d } = stats;
  const { alpha, weights } = mapWeights(params, ubm, stats, o);
  const below = (i: number) => stats.n[i] < o.meanVarUpdateThreshold || stats.n[i] === 0;
  const means = params.means.slice();
  if (o.updateMeans) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < d; j++) {
        const e = i * d + j;
        const u = ubm.means[e];
        means[e] = below(i) ? u : u + alpha[i] * (stats.first[e] / stats.n[i] + centreOf(stats, e) - u);
      }
    }
  }
  const covariances = covariancesOf(params).slice();
  if (!o.updateVariances) return withCovariances({ weights, means }, covariances, k, d);
  const prior = covariancesOf(ubm);
  if (stats.secondOrder === 'pooled') {
    const total = stats.n.reduce((s, v) => s + v, 0);
    let abar = 0;
    for (let i = 0; i < k; i++) if (!below(i)) abar += (stats.n[i] * alpha[i]) / total;
    const block = fromScatter(scatter(stats, means, -1), d, (s) => {
      const c = s.map((v, e) => (abar * v) / total + (1 - abar) * prior[e]);
      for (let i = 0; i < k; i++) {
        if (below(i)) continue;
        addOuter(c, 0, d, offsetOf(ubm.means, means, i, d), (stats.n[i] / total) * (1 - alpha[i]));
      }
      addToDiagonal(c, 0, d, o.regCovar);
      return c;
    });
    covariances.set(block);
  } else {
    for (let i = 0; i < k; i++) {
      const at = i * d * d;
      if (below(i)) {
        covariances.set(prior.subarray(at, at + d * d), at);
        continue;
      }
      const block = fromScatter(scatter(stats, means, i), d, (s) => {
        const c = s.map((v, e) => (alpha[i] * v) / stats.n[i] + (1 - alpha[i]) * prior[at + e]);
        addOuter(c, 0, d, offsetOf(ubm.means, means, i, d), 1 - alpha[i]);
        addToDiagonal(c, 0, d, o.regCovar);
        return c;
      });
      covariances.set(block, at);
    }
  }
  return withCovariances({ weights, means }, covariances, k, d);
}

/**
 * The covariance make(s) of a scatter s, made again from s's nearest semidefinite matrix when it
 * is not positive definite. A scatter is semidefinite, but float32 sums leave it slightly
 * indefinite (eigenvalues of round-off size, beyond what regCovar covers) in the directions
 * that a Gaussian's few samples do not span, where float64 sums give a definite covariance.
 */
function fromScatter(s: Float64Array, d: number, make: (s: Float64Array) => Float64Array): Float64Array {
  const block = make(s);
  return typeof cholesky(block, d) === 'number' ? make(clipNegativeEigenvalues(s, d)) : block;
}

/** sum_i r_ik (x_i - m_k)(x_i - m_k)^T for Gaussian k of full moments, or (k = -1) its sum over the Gaussians of pooled moments. */
function scatter(stats: Moments, means: Float64Array, k: number): Float64Array {
  const d = stats.nFeatures;
  const out = stats.second.slice(k < 0 ? 0 : k * d * d, k < 0 ? d * d : (k + 1) * d * d);
  for (let i = k < 0 ? 0 : k; i < (k < 0 ? stats.nGaussians : k + 1); i++) {
    const b = new Float64Array(d);
    for (let j = 0; j < d; j++) b[j] = centreOf(stats, i * d + j) - means[i * d + j];
    const f = stats.first.subarray(i * d, (i + 1) * d);
    const n = stats.n[i];
    for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) out[r * d + c] += b[r] * f[c] + f[r] * b[c] + n * b[r] * b[c];
  }
  return out;
}

const centreOf = (stats: Moments, e: number) => (stats.centre === null ? 0 : stats.centre[e]);

/** u_k - m_k, [D]. */
function offsetOf(u: Float64Array, m: Float64Array, k: number, d: number): Float64Array {
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) out[j] = u[k * d + j] - m[k * d + j];
  return out;
}

function addOuter(a: Float64Array, at: number, d: number, v: Float64Array, scale: number): void {
  for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) a[at + r * d + c] += scale * v[r] * v[c];
}

function addToDiagonal(a: Float64Array, at: number, d: number, value: number): void {
  for (let j = 0; j < d; j++) a[at + j * d + j] += value;
}

function covariancesOf(p: GaussianParams): Float64Array {
  if (p.covariances === undefined) throw new Error('full m-step: parameters without covariances');
  return p.covariances;
}

/** The parameters with `covariances` ([K, D, D] or [D, D], made exactly symmetric) and the variances they give. */
function withCovariances(p: { weights: Float64Array; means: Float64Array }, covariances: Float64Array, k: number, d: number): GaussianParams {
  for (let at = 0; at < covariances.length; at += d * d) symmetrize(covariances, d, at);
  const variances = new Float64Array(k * d);
  for (let i = 0; i < k; i++) {
    const at = covariances.length === d * d ? 0 : i * d * d;
    for (let j = 0; j < d; j++) variances[i * d + j] = covariances[at + j * d + j];
  }
  return { ...p, variances, covariances };
}
