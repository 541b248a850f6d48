/**
 * The products of the factor-analysis steps over several sessions (or speakers) at once, so
 * that each large matrix is read once per batch rather than once per session: at C 512, D 60,
 * rank 100, the per-Gaussian terms W_c^T Sigma_c^-1 W_c are 41 MB and W is 25 MB, far beyond the
 * caches, and one session's work alone is bound by reading them. Symmetric [r, r] matrices are
 * handled on their upper triangles, in blocks of rows small enough for every batch member's
 * block to stay in cache while a matrix's block streams past. The host runs them as the
 * WebAssembly kernels' panel products (kernels/host/hostProducts.ts); these JavaScript ones are
 * their fallback and reference.
 */
import { kernelProducts } from '../../../kernels/host/hostProducts.js';

/** Upper-triangle values per block of rows (8 KiB of float64). */
const BLOCK_VALUES = 1024;

/** Rows [from, to) of an [r, r] matrix whose upper-triangle parts hold about BLOCK_VALUES values together. */
function rowBlocks(r: number): [number, number][] {
  const blocks: [number, number][] = [];
  for (let from = 0; from < r; ) {
    let to = from;
    for (let size = 0; to < r && (size === 0 || size + r - to <= BLOCK_VALUES); to++) size += r - to;
    blocks.push([from, to]);
    from = to;
  }
  return blocks;
}

/** out_h = sum_g weights_h[g] terms_g on the upper triangles, terms [G, r, r]: for each h, a new [r, r]. */
export function weightedSums(terms: Float64Array, weights: Float64Array[], r: number): Float64Array[] {
  const out = weights.map(() => new Float64Array(r * r));
  const groups = terms.length / (r * r);
  for (const [from, to] of rowBlocks(r)) {
    for (let g = 0; g < groups; g++) {
      const at = g * r * r;
      for (let h = 0; h < weights.length; h++) {
        const w = weights[h][g];
        if (w === 0) continue;
        const o = out[h];
        for (let i = from; i < to; i++) for (let e = i * r + i, end = (i + 1) * r; e < end; e++) o[e] += w * terms[at + e];
      }
    }
  }
  return out;
}

/** acc_g += sum_h weights_h[g] mats_h on the upper triangles, acc [G, r, r]. */
export function addWeighted(acc: Float64Array, weights: Float64Array[], mats: Float64Array[], r: number): void {
  const groups = acc.length / (r * r);
  for (const [from, to] of rowBlocks(r)) {
    for (let g = 0; g < groups; g++) {
      const at = g * r * r;
      for (let h = 0; h < mats.length; h++) {
        const w = weights[h][g];
        if (w === 0) continue;
        const m = mats[h];
        for (let i = from; i < to; i++) for (let e = i * r + i, end = (i + 1) * r; e < end; e++) acc[at + e] += w * m[e];
      }
    }
  }
}

/** W^T Sigma^-1 v_h, [r] each, for W [C*D, r]. */
export function projectEach(w: Float64Array, sigma: Float64Array, vs: Float64Array[], r: number): Float64Array[] {
  const out = vs.map(() => new Float64Array(r));
  const rows = sigma.length;
  for (let i = 0; i < rows; i++) {
    const at = i * r;
    for (let h = 0; h < vs.length; h++) {
      const s = vs[h][i] / sigma[i];
      if (s === 0) continue;
      const o = out[h];
      for (let k = 0; k < r; k++) o[k] += w[at + k] * s;
    }
  }
  return out;
}

/** W x_h, [rows] each, for W [rows, r]. */
export function timesEach(w: Float64Array, xs: Float64Array[], r: number): Float64Array[] {
  const rows = w.length / r;
  const out = xs.map(() => new Float64Array(rows));
  for (let i = 0; i < rows; i++) {
    const at = i * r;
    for (let h = 0; h < xs.length; h++) {
      const x = xs[h];
      let s = 0;
      for (let k = 0; k < r; k++) s += w[at + k] * x[k];
      out[h][i] = s;
    }
  }
  return out;
}

/** acc [rows, r] += sum_h v_h x_h^T. */
export function addOuterProducts(acc: Float64Array, vs: Float64Array[], xs: Float64Array[], r: number): void {
  const rows = acc.length / r;
  for (let i = 0; i < rows; i++) {
    const at = i * r;
    for (let h = 0; h < vs.length; h++) {
      const f = vs[h][i];
      if (f === 0) continue;
      const x = xs[h];
      for (let k = 0; k < r; k++) acc[at + k] += f * x[k];
    }
  }
}

/** The lower triangle of each [r, r] block from its upper. */
export function mirrorUppers(m: Float64Array, r: number): Float64Array {
  for (let at = 0; at < m.length; at += r * r) {
    for (let a = 0; a < r; a++) for (let b = a + 1; b < r; b++) m[at + b * r + a] = m[at + a * r + b];
  }
  return m;
}

/** The batched products, as computed above (float64), on the host's kernels, or on a device (see deviceProducts.ts). */
export interface Products {
  weightedSums(terms: Float64Array, weights: Float64Array[], r: number): Float64Array[];
  addWeighted(acc: Float64Array, weights: Float64Array[], mats: Float64Array[], r: number): void;
  projectEach(w: Float64Array, sigma: Float64Array, vs: Float64Array[], r: number): Float64Array[];
  timesEach(w: Float64Array, xs: Float64Array[], r: number): Float64Array[];
  addOuterProducts(acc: Float64Array, vs: Float64Array[], xs: Float64Array[], r: number): void;
}

/** The products in JavaScript, as written above. */
export const javascriptProducts: Products = { weightedSums, addWeighted, projectEach, timesEach, addOuterProducts };

/** The host's products: the same in the float64 WebAssembly kernels (JavaScript's where their memory runs out). */
export const hostProducts: Products = kernelProducts(javascriptProducts);
