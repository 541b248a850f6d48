/**
 * The i-vector e-step's batched algebra (src/math/ivector.ts) on the float64 linear algebra
 * kernels, utterances H at a time: A's upper triangles for the batch as one panel product
 * N [H, C] x terms [C, R (R + 1) / 2], the b's as F~ [H, C D] x (T / Sigma) [C D, R], each
 * member's Cholesky solve (and inverse) in parallel, and the accumulators' sums as the products
 * N^T [C, H] x E[w w^T] [H, R (R + 1) / 2] and F~^T [C D, H] x w [H, R], all in the kernels'
 * memory until the pass ends.
 */
import { linalgThreads, panelIndex, panelValues, pgemm, posteriorWorkBytes, posteriors, workspace } from './linalgEngine.js';

/** A total-variability model as the kernels take it. */
export interface IVectorPanels {
  c: number;
  d: number;
  r: number;
  /** T_c^T Sigma_c^-1 T_c per Gaussian, upper triangles packed by rows ((a, b), a <= b, row-major order), as a panel matrix [C, R (R + 1) / 2]. */
  terms: Float64Array;
  /** T / Sigma (each row of T [C D, R] divided by its Sigma), a panel matrix [C D, R]. */
  scaled: Float64Array;
}

/** What a pass returns: the i-vectors and, when it accumulates, the sums as panel matrices. */
export interface IVectorPass {
  ws: Float64Array[];
  /** sum N_c E[w w^T], [C, R (R + 1) / 2] packed as terms. */
  nEww: Float64Array | null;
  /** sum F~ w^T, [C D, R]. */
  fw: Float64Array | null;
}

/** Utterances per batch: the accumulators' products have this depth. */
const H = 64;

/** An utterance as the pass takes it: its responsibilities [C] and first moments about the UBM's means [C D]. */
export interface PassUtterance {
  n: Float64Array;
  first: Float64Array;
}

/**
 * The i-vectors (and with accumulate the sums) of `count` utterances, each asked of `utterance`
 * as its batch comes (so that no more than a batch's moments exist at once); null where the
 * kernels' memory cannot hold the model. Throws where an utterance's A is not positive definite
 * (non-finite statistics).
 */
export function hostIVectorPass(model: IVectorPanels, count: number, utterance: (u: number) => PassUtterance, accumulate: boolean): IVectorPass | null {
  const { c, d, r } = model;
  const cd = c * d;
  const p = (r * (r + 1)) / 2;
  const h = Math.min(H, count);
  const f8 = (values: number) => 8 * values;
  const threads = linalgThreads();
  const sizes = {
    n: f8(h * c), f: f8(h * cd), nT: accumulate ? f8(c * h) : 0, fT: accumulate ? f8(cd * h) : 0,
    aP: f8(panelValues(h, p)), bP: f8(panelValues(h, r)), wP: f8(panelValues(h, r)), mP: accumulate ? f8(panelValues(h, p)) : 0,
    work: threads * posteriorWorkBytes(r), status: 4 * h,
    nEww: accumulate ? f8(panelValues(c, p)) : 0, fw: accumulate ? f8(panelValues(cd, r)) : 0,
  };
  const names = Object.keys(sizes) as (keyof typeof sizes)[];
  const space = workspace([model.terms, model.scaled], names.map((k) => sizes[k]));
  if (space === null) return null;
  const { f64, i32 } = space;
  const [terms, scaled] = space.kept;
  const at = Object.fromEntries(names.map((k, i) => [k, space.areas[i]])) as Record<keyof typeof sizes, number>;
  const ws: Float64Array[] = [];
  for (let u0 = 0; u0 < count; u0 += h) {
    const m = Math.min(h, count - u0);
    const batch = Array.from({ length: m }, (_, u) => utterance(u0 + u));
    batch.forEach(({ n, first }, u) => {
      f64.set(n, at.n / 8 + u * c);
      f64.set(first, at.f / 8 + u * cd);
    });
    f64.fill(0, at.aP / 8, (at.aP + sizes.aP) / 8);
    f64.fill(0, at.bP / 8, (at.bP + sizes.bP) / 8);
    pgemm(at.n, c, m, c, terms, at.aP, p);
    pgemm(at.f, cd, m, cd, scaled, at.bP, r);
    posteriors(at.aP, at.bP, m, r, at.wP, accumulate ? at.mP : 0, at.work, at.status);
    const failed = i32.subarray(at.status / 4, at.status / 4 + m).findIndex((s) => s !== 0);
    if (failed >= 0) throw new Error(`i-vectors: utterance ${u0 + failed}'s posterior precision is not positive definite (are its statistics finite?)`);
    for (let u = 0; u < m; u++) ws.push(Float64Array.from({ length: r }, (_, k) => f64[at.wP / 8 + panelIndex(m, u, k)]));
    if (!accumulate) continue;
    batch.forEach(({ n, first }, u) => {
      for (let g = 0; g < c; g++) f64[at.nT / 8 + g * m + u] = n[g];
      for (let e = 0; e < cd; e++) f64[at.fT / 8 + e * m + u] = first[e];
    });
    pgemm(at.nT, m, c, m, at.mP, at.nEww, p);
    pgemm(at.fT, m, cd, m, at.wP, at.fw, r);
  }
  const copy = (area: number, bytes: number) => f64.slice(area / 8, (area + bytes) / 8);
  return { ws, nEww: accumulate ? copy(at.nEww, sizes.nEww) : null, fw: accumulate ? copy(at.fw, sizes.fw) : null };
}

/**
 * T_c^T Sigma_c^-1 T_c per Gaussian as IVectorPanels' terms: each as the panel product
 * (T_c / Sigma_c)^T [R, D] x T_c [D, R], its upper triangle packed.
 */
export function precisionPanels(t: Float64Array, sigma: Float64Array, c: number, d: number, r: number): Float64Array {
  const space = workspace([], [8 * r * d, 8 * panelValues(d, r), 8 * panelValues(r, r)]);
  if (space === null) throw new Error(`i-vectors: the host kernels' memory cannot take a Gaussian's terms at D ${d}, R ${r}`);
  const { f64, areas: [aAt, bAt, outAt] } = space;
  const [a, b, out] = [aAt / 8, bAt / 8, outAt / 8];
  const p = (r * (r + 1)) / 2;
  const terms = new Float64Array(panelValues(c, p));
  for (let g = 0; g < c; g++) {
    for (let j = 0; j < d; j++) {
      const inv = 1 / sigma[g * d + j];
      for (let k = 0; k < r; k++) {
        const v = t[(g * d + j) * r + k];
        f64[a + k * d + j] = v * inv;
        f64[b + panelIndex(d, j, k)] = v;
      }
    }
    f64.fill(0, out, out + panelValues(r, r));
    pgemm(aAt, d, r, d, bAt, outAt, r);
    for (let i = 0, e = 0; i < r; i++) for (let k = i; k < r; k++, e++) terms[panelIndex(c, g, e)] = f64[out + panelIndex(r, i, k)];
  }
  return terms;
}

/**
 * The posteriors of utterances whose A - I (the upper triangles of sums [R, R]) and b [R] were
 * computed elsewhere (by a device's products): w = A^-1 b each and, with second, E[w w^T] (its
 * upper triangle in an [R, R] array).
 */
export function hostPosteriors(sums: Float64Array[], bs: Float64Array[], r: number, second: boolean): { ws: Float64Array[]; seconds: Float64Array[] | null } {
  const h = sums.length;
  const p = (r * (r + 1)) / 2;
  const space = workspace([], [8 * panelValues(h, p), 8 * panelValues(h, r), 8 * panelValues(h, r), second ? 8 * panelValues(h, p) : 0,
    linalgThreads() * posteriorWorkBytes(r), 4 * h]);
  if (space === null) throw new Error(`i-vectors: the host kernels' memory cannot take the posteriors of ${h} utterances at R ${r}`);
  const { f64, i32, areas: [aP, bP, wP, mP, work, status] } = space;
  sums.forEach((a, u) => {
    for (let i = 0, e = 0; i < r; i++) for (let k = i; k < r; k++, e++) f64[aP / 8 + panelIndex(h, u, e)] = a[i * r + k];
    for (let k = 0; k < r; k++) f64[bP / 8 + panelIndex(h, u, k)] = bs[u][k];
  });
  posteriors(aP, bP, h, r, wP, second ? mP : 0, work, status);
  const failed = i32.subarray(status / 4, status / 4 + h).findIndex((s) => s !== 0);
  if (failed >= 0) throw new Error(`i-vectors: utterance ${failed} of a batch has a posterior precision that is not positive definite (are its statistics finite?)`);
  const ws = sums.map((_, u) => Float64Array.from({ length: r }, (_, k) => f64[wP / 8 + panelIndex(h, u, k)]));
  const seconds = !second ? null : sums.map((_, u) => {
    const out = new Float64Array(r * r);
    for (let i = 0, e = 0; i < r; i++) for (let k = i; k < r; k++, e++) out[i * r + k] = f64[mP / 8 + panelIndex(h, u, e)];
    return out;
  });
  return { ws, seconds };
}
