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
 * On the host, the products over utterances, the solves and the inverses run in the float64
 * WebAssembly kernels (kernels/host/hostIVector.ts); with device products, the products run on
 * the TF.js backend and the solves in those kernels.
 */
import type { CentredMoments, Moments } from './gmm/moments.js';
import { momentsAbout } from './gmm/moments.js';
import { hostProducts, mirrorUppers, type Products } from './factorAnalysis/batched.js';
import { updateSubspace } from './factorAnalysis/accumulators.js';
import { hostIVectorPass, hostPosteriors, precisionPanels, type IVectorPanels, type IVectorPass } from '../../kernels/host/hostIVector.js';
import { addFromPanels, panelIndex, panelValues, upperOffsets } from '../../kernels/host/linalgEngine.js';

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

/** The model as the host kernels take it (kernels/host/hostIVector.ts): the terms' upper triangles and T / Sigma, as panel matrices. */
export function ivectorPanels(t: Float64Array, sigma: Float64Array, { c, d, r }: IVectorShape): IVectorPanels {
  const scaled = new Float64Array(panelValues(c * d, r));
  for (let i = 0; i < c * d; i++) for (let k = 0; k < r; k++) scaled[panelIndex(c * d, i, k)] = t[i * r + k] / sigma[i];
  return { c, d, r, terms: precisionPanels(t, sigma, c, d, r), scaled };
}

/**
 * T and Sigma with what the e-step derives from them, each computed once when first needed: the
 * per-Gaussian terms (for the JavaScript and device products) or the host kernels' panels.
 */
export class IVectorModel {
  private _terms: Float64Array | null = null;
  private _panels: IVectorPanels | null = null;

  constructor(readonly t: Float64Array, readonly sigma: Float64Array, readonly shape: IVectorShape) {}

  /** The per-Gaussian terms [C, R, R], their upper triangles (all the products read), from the kernels' panels. */
  get terms(): Float64Array {
    if (this._terms === null) {
      const { c, r } = this.shape;
      this._terms = new Float64Array(c * r * r);
      addFromPanels(this._terms, this.panels.terms, c, (r * (r + 1)) / 2, upperOffsets(r), r * r);
    }
    return this._terms;
  }

  get panels(): IVectorPanels {
    return (this._panels ??= ivectorPanels(this.t, this.sigma, this.shape));
  }
}

/**
 * Utterances handled together by products other than the host kernels' (a device's): each large
 * matrix (the terms, T) is read once per batch, and each batch's sums come back to the host once
 * ([C, R, R] float32, 328 MB at C 512, R 400).
 */
const BATCH = 256;

/**
 * Utterances' posteriors from the products given: w = A^-1 b and, with second, E[w w^T] (upper
 * triangles; see the file's comment) by the host kernels' solves; and the utterances' moments about mu.
 */
function posteriorsOf(stats: Moments[], ubmMeans: Float64Array, model: IVectorModel, products: Products, second: boolean) {
  const { t, sigma, shape: { r } } = model;
  const abouts = stats.map((s) => momentsAbout(s, ubmMeans));
  const sums = products.weightedSums(model.terms, stats.map((s) => s.n), r);
  const bs = products.projectEach(t, sigma, abouts.map((m) => m.first), r);
  return { ...hostPosteriors(sums, bs, r, second), abouts };
}

/**
 * The pass on the host kernels (float64, as the JavaScript products but faster), or null where
 * they cannot take it (other products chosen, or the model beyond their memory); each
 * utterance's moments about mu go to onMoments as its batch comes.
 */
function hostPass(stats: Moments[], ubmMeans: Float64Array, model: IVectorModel, products: Products, onMoments: ((s: Moments, about: CentredMoments) => void) | null): IVectorPass | null {
  if (products !== hostProducts || stats.length === 0) return null;
  return hostIVectorPass(model.panels, stats.length, (u) => {
    const about = momentsAbout(stats[u], ubmMeans);
    onMoments?.(stats[u], about);
    return { n: stats[u].n, first: about.first };
  }, onMoments !== null);
}

/** The i-vectors of utterances: A^-1 b each. */
export function project(stats: Moments[], ubmMeans: Float64Array, model: IVectorModel, products: Products = hostProducts): Float64Array[] {
  const host = hostPass(stats, ubmMeans, model, products, null);
  if (host !== null) return host.ws;
  const out: Float64Array[] = [];
  for (let at = 0; at < stats.length; at += BATCH) out.push(...posteriorsOf(stats.slice(at, at + BATCH), ubmMeans, model, products, false).ws);
  return out;
}

/**
 * Adds utterances to the accumulators: of sum N E[w w^T] (symmetric) the upper triangles only,
 * which completeAccumulators mirrors once every utterance is in.
 */
export function accumulate(acc: IVectorAccumulators, stats: Moments[], ubmMeans: Float64Array, model: IVectorModel, products: Products = hostProducts): void {
  const { c, d, r } = model.shape;
  const addMoments = (s: Moments, about: CentredMoments) => {
    for (let g = 0; g < c; g++) acc.nij[g] += s.n[g];
    for (let e = 0; e < c * d; e++) acc.snormij[e] += about.second[e];
  };
  const host = hostPass(stats, ubmMeans, model, products, addMoments);
  if (host !== null) {
    addFromPanels(acc.nijSigmaWij2, host.nEww!, c, (r * (r + 1)) / 2, upperOffsets(r), r * r);
    addFromPanels(acc.fnormSigmaWij, host.fw!, c * d, r, Int32Array.from({ length: r }, (_, k) => k), r);
    return;
  }
  for (let at = 0; at < stats.length; at += BATCH) {
    const batch = stats.slice(at, at + BATCH);
    const { ws, seconds, abouts } = posteriorsOf(batch, ubmMeans, model, products, true);
    products.addWeighted(acc.nijSigmaWij2, batch.map((s) => s.n), seconds!, r);
    products.addOuterProducts(acc.fnormSigmaWij, abouts.map((m) => m.first), ws, r);
    batch.forEach((s, u) => addMoments(s, abouts[u]));
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
