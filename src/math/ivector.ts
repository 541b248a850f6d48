/**
 * Total-variability (i-vector) EM over GMM statistics, bob.learn.em's ivector.py in float64:
 * per utterance with responsibilities N_c, first and second moments about the UBM's means
 * F~_c = F_c - N_c mu_c and S~_c (taken about the statistics' own centres, so nothing cancels),
 *   A = I + sum_c N_c T_c^T Sigma_c^-1 T_c,   b = sum_c T_c^T Sigma_c^-1 F~_c,
 *   w = A^-1 b (the i-vector),   E[w w^T] = A^-1 + w w^T;
 * the accumulators sum N_c E[w w^T], F~_c w^T, S~_c and N_c over utterances (additive, so shards
 * add); the m-step solves T_c = (sum F~_c w^T)(sum N_c E[w w^T])^-1 and, with updateSigma,
 * Sigma_c = (sum S~_c - diag(sum F~_c w^T T_c^T)) / sum N_c, floored. T is [C, D, R] (bob's
 * (c, d, t)), Sigma [C, D] (diagonal), row-major.
 */
import type { Moments } from './gmm/moments.js';
import { momentsAbout } from './gmm/moments.js';
import { hostProducts, mirrorUppers, type Products } from './factorAnalysis/batched.js';
import { updateSubspace } from './factorAnalysis/accumulators.js';
import { inverseSpd, solveSpd } from './linalg.js';

export interface IVectorShape {
  c: number;
  d: number;
  r: number;
}

/** Sums of an e-step over utterances (bob's IVectorStats). */
export interface IVectorAccumulators {
  /** sum N_c E[w w^T], [C, R, R]. */
  nijSigmaWij2: Float64Array;
  /** sum F~_c w^T, [C, D, R]. */
  fnormSigmaWij: Float64Array;
  /** sum S~_c, [C, D]. */
  snormij: Float64Array;
  /** sum N_c, [C]. */
  nij: Float64Array;
}

export function emptyAccumulators({ c, d, r }: IVectorShape): IVectorAccumulators {
  return { nijSigmaWij2: new Float64Array(c * r * r), fnormSigmaWij: new Float64Array(c * d * r), snormij: new Float64Array(c * d), nij: new Float64Array(c) };
}

/** a += b, field by field. */
export function addAccumulators(a: IVectorAccumulators, b: IVectorAccumulators): IVectorAccumulators {
  for (const key of ['nijSigmaWij2', 'fnormSigmaWij', 'snormij', 'nij'] as const) a[key].forEach((_, i) => (a[key][i] += b[key][i]));
  return a;
}

/**
 * T_c^T Sigma_c^-1 T_c per Gaussian, [C, R, R] (one per EM step: every utterance uses them).
 * Symmetric: the upper triangle is summed and mirrored (the same values as summing both).
 */
export function precisionTerms(t: Float64Array, sigma: Float64Array, { c, d, r }: IVectorShape): Float64Array {
  const out = new Float64Array(c * r * r);
  for (let g = 0; g < c; g++) {
    const at = g * r * r;
    for (let j = 0; j < d; j++) {
      const inv = 1 / sigma[g * d + j];
      const row = t.subarray((g * d + j) * r, (g * d + j + 1) * r);
      for (let a = 0; a < r; a++) {
        const ra = row[a];
        for (let b = a; b < r; b++) out[at + a * r + b] += ra * row[b] * inv;
      }
    }
  }
  return mirrorUppers(out, r);
}

/** Utterances handled together: each large matrix (the terms, T) is read once per batch (see factorAnalysis/batched.ts). */
export const BATCH = 32;

/** Utterances' posteriors: A [R, R] and b [R] each (see the file's comment), and their moments about mu. */
export function posteriorSystems(stats: Moments[], ubmMeans: Float64Array, t: Float64Array, sigma: Float64Array, terms: Float64Array, { r }: IVectorShape, products: Products) {
  const abouts = stats.map((s) => momentsAbout(s, ubmMeans));
  const as = products.weightedSums(terms, stats.map((s) => s.n), r).map((a) => {
    mirrorUppers(a, r);
    for (let i = 0; i < r; i++) a[i * r + i] += 1;
    return a;
  });
  return { as, bs: products.projectEach(t, sigma, abouts.map((m) => m.first), r), abouts };
}

/** The i-vectors of utterances: A^-1 b each. */
export function project(stats: Moments[], ubmMeans: Float64Array, t: Float64Array, sigma: Float64Array, terms: Float64Array, shape: IVectorShape, products: Products = hostProducts): Float64Array[] {
  const out: Float64Array[] = [];
  for (let at = 0; at < stats.length; at += BATCH) {
    const { as, bs } = posteriorSystems(stats.slice(at, at + BATCH), ubmMeans, t, sigma, terms, shape, products);
    as.forEach((a, u) => out.push(solveSpd(a, bs[u], shape.r, 1)!)); // A = I + a sum of semidefinite terms: positive definite
  }
  return out;
}

/**
 * Adds utterances to the accumulators: of sum N E[w w^T] (symmetric) the upper triangles only,
 * which completeAccumulators mirrors once every utterance is in.
 */
export function accumulate(
  acc: IVectorAccumulators, stats: Moments[], ubmMeans: Float64Array, t: Float64Array, sigma: Float64Array, terms: Float64Array, shape: IVectorShape, products: Products = hostProducts,
): void {
  const { c, d, r } = shape;
  for (let at = 0; at < stats.length; at += BATCH) {
    const batch = stats.slice(at, at + BATCH);
    const { as, bs, abouts } = posteriorSystems(batch, ubmMeans, t, sigma, terms, shape, products);
    const ws: Float64Array[] = [];
    const seconds = as.map((a, u) => {
      const cov = inverseSpd(a, r)!;
      const w = new Float64Array(r);
      for (let i = 0; i < r; i++) for (let k = 0; k < r; k++) w[i] += cov[i * r + k] * bs[u][k];
      for (let i = 0; i < r; i++) for (let k = 0; k < r; k++) cov[i * r + k] += w[i] * w[k]; // E[w w^T]
      ws.push(w);
      return cov;
    });
    products.addWeighted(acc.nijSigmaWij2, batch.map((s) => s.n), seconds, r);
    products.addOuterProducts(acc.fnormSigmaWij, abouts.map((m) => m.first), ws, r);
    batch.forEach((s, u) => {
      for (let g = 0; g < c; g++) acc.nij[g] += s.n[g];
      for (let e = 0; e < c * d; e++) acc.snormij[e] += abouts[u].second[e];
    });
  }
}

/** Mirrors the upper triangles accumulate summed into the lower ones (the same values as summing both: E[w w^T] is exactly symmetric). */
export function completeAccumulators(acc: IVectorAccumulators, { r }: IVectorShape): IVectorAccumulators {
  mirrorUppers(acc.nijSigmaWij2, r);
  return acc;
}

/**
 * The m-step: new T (a Gaussian whose sum N E[w w^T] is all zero gets T_c = 0, as bob's) and,
 * with updateSigma, new Sigma floored at varianceFloor (a Gaussian of no responsibility keeps its Sigma).
 */
export function maximize(acc: IVectorAccumulators, sigma: Float64Array, shape: IVectorShape, o: { updateSigma: boolean; varianceFloor: number }): { t: Float64Array; sigma: Float64Array } {
  const { c, d, r } = shape;
  // T_c = (sum F~ w^T)(sum N E[w w^T])^-1: the subspace update ISV and JFA share.
  const t = updateSubspace({ a1: acc.nijSigmaWij2, a2: acc.fnormSigmaWij }, c, d, r);
  const newSigma = sigma.slice();
  if (o.updateSigma) {
    for (let g = 0; g < c; g++) {
      if (!(acc.nij[g] > 0)) continue;
      for (let j = 0; j < d; j++) {
        let explained = 0;
        for (let k = 0; k < r; k++) explained += acc.fnormSigmaWij[(g * d + j) * r + k] * t[(g * d + j) * r + k];
        newSigma[g * d + j] = Math.max(o.varianceFloor, (acc.snormij[g * d + j] - explained) / acc.nij[g]);
      }
    }
  }
  return { t, sigma: newSigma };
}
