/**
 * The batched products of ISV, JFA and i-vectors (src/math/factorAnalysis/batched.ts) as
 * float64 panel products on the linear algebra kernels:
 *   A_h = sum_g n_hg P_g:         N [H, G] x P [G, r (r + 1) / 2] (upper triangles packed by rows),
 *   acc_g += sum_h n_hg E_h:      N^T [G, H] x E [H, r (r + 1) / 2],
 *   W^T Sigma^-1 v_h:             (V / Sigma) [H, rows] x W [rows, r],
 *   W x_h:                        X [H, r] x W^T [r, rows],
 *   acc += sum_h v_h x_h^T:       V^T [rows, H] x X [H, r].
 * A large operand's panel form (P packed, W, W^T) is made once per array and kept while the
 * array lives. Where the kernels' memory cannot take an operation, `fallback` computes it.
 */
import type { Products } from '../../src/math/factorAnalysis/batched.js';
import { addFromPanels, panelIndex, panelValues, pgemm, upperOffsets, workspace } from './linalgEngine.js';

/** rows [n][m] (values at offsets of each, or all of them) as a panel matrix [n, m]. */
function toPanels(rows: ArrayLike<number>[], m: number, offsets: Int32Array | null = null): Float64Array {
  const n = rows.length;
  const out = new Float64Array(panelValues(n, m));
  rows.forEach((row, i) => {
    for (let j = 0; j < m; j++) out[panelIndex(n, i, j)] = row[offsets === null ? j : offsets[j]];
  });
  return out;
}

/** The row-major [rows, cols] matrix a as a panel matrix. */
function panelsOf(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(panelValues(rows, cols));
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[panelIndex(rows, i, j)] = a[i * cols + j];
  return out;
}

/** The row-major [rows, cols] matrix a as a panel matrix of its transpose [cols, rows]. */
function transposedPanels(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(panelValues(cols, rows));
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[panelIndex(cols, j, i)] = a[i * cols + j];
  return out;
}

/** [n][m] rows, row-major into one array (transposed: [m, n]). */
function packRows(rows: ArrayLike<number>[], m: number, transposed: boolean): Float64Array {
  const n = rows.length;
  const out = new Float64Array(n * m);
  rows.forEach((row, i) => {
    for (let j = 0; j < m; j++) out[transposed ? j * n + i : i * m + j] = row[j];
  });
  return out;
}

/**
 * out [rows, cols] panel = A [rows, k] (row-major) x B [k, cols] (panels) on the kernels: the
 * panel result, or null where their memory cannot take it.
 */
function product(a: Float64Array, rows: number, k: number, b: Float64Array, cols: number): Float64Array | null {
  const space = workspace([], [8 * a.length, 8 * b.length, 8 * panelValues(rows, cols)]);
  if (space === null) return null;
  const [aAt, bAt, outAt] = space.areas;
  space.f64.set(a, aAt / 8);
  space.f64.set(b, bAt / 8);
  pgemm(aAt, k, rows, k, bAt, outAt, cols);
  return space.f64.slice(outAt / 8, outAt / 8 + panelValues(rows, cols));
}

/** The panel product's rows [rows][cols], values at offsets in arrays of `size` (or as they come). */
function rowsOf(m: Float64Array, rows: number, cols: number, size = cols, offsets: Int32Array | null = null): Float64Array[] {
  return Array.from({ length: rows }, (_, i) => {
    const out = new Float64Array(size);
    for (let j = 0; j < cols; j++) out[offsets === null ? j : offsets[j]] = m[panelIndex(rows, i, j)];
    return out;
  });
}

export function kernelProducts(fallback: Products): Products {
  const packedTerms = new WeakMap<Float64Array, Float64Array>();
  const wPanels = new WeakMap<Float64Array, Float64Array>();
  const wtPanels = new WeakMap<Float64Array, Float64Array>();
  const cached = (map: WeakMap<Float64Array, Float64Array>, key: Float64Array, make: () => Float64Array) => map.get(key) ?? map.set(key, make()).get(key)!;

  return {
    weightedSums(terms, weights, r) {
      const groups = terms.length / (r * r);
      const offsets = upperOffsets(r);
      const p = offsets.length;
      const b = cached(packedTerms, terms, () => toPanels(Array.from({ length: groups }, (_, g) => terms.subarray(g * r * r, (g + 1) * r * r)), p, offsets));
      const out = product(packRows(weights, groups, false), weights.length, groups, b, p);
      return out === null ? fallback.weightedSums(terms, weights, r) : rowsOf(out, weights.length, p, r * r, offsets);
    },

    addWeighted(acc, weights, mats, r) {
      const groups = acc.length / (r * r);
      const offsets = upperOffsets(r);
      const out = product(packRows(weights, groups, true), groups, mats.length, toPanels(mats, offsets.length, offsets), offsets.length);
      if (out === null) fallback.addWeighted(acc, weights, mats, r);
      else addFromPanels(acc, out, groups, offsets.length, offsets, r * r);
    },

    projectEach(w, sigma, vs, r) {
      const rows = sigma.length;
      const scaled = vs.map((v) => Float64Array.from({ length: rows }, (_, i) => v[i] / sigma[i]));
      const out = product(packRows(scaled, rows, false), vs.length, rows, cached(wPanels, w, () => panelsOf(w, rows, r)), r);
      return out === null ? fallback.projectEach(w, sigma, vs, r) : rowsOf(out, vs.length, r);
    },

    timesEach(w, xs, r) {
      const rows = w.length / r;
      const out = product(packRows(xs, r, false), xs.length, r, cached(wtPanels, w, () => transposedPanels(w, rows, r)), rows);
      return out === null ? fallback.timesEach(w, xs, r) : rowsOf(out, xs.length, rows);
    },

    addOuterProducts(acc, vs, xs, r) {
      const rows = acc.length / r;
      const out = product(packRows(vs, rows, true), rows, vs.length, toPanels(xs, r), r);
      if (out === null) fallback.addOuterProducts(acc, vs, xs, r);
      else addFromPanels(acc, out, rows, r, Int32Array.from({ length: r }, (_, k) => k), r);
    },
  };
}
