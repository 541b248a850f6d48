/**
 * The m-step sums of ISV and JFA (bob's compute_accumulators_U/V/D) and the updates they give.
 * Sums over sessions (U) or speakers (V, D), hence additive across shards:
 *   subspace W (U or V), per Gaussian c:  A1_c = sum N_c E[w w^T] = sum N_c (cov + w w^T),
 *                                         A2 = sum residual w^T  [C*D, r];   W_c = A2_c A1_c^-1
 *   D, per supervector element:           A1 = sum N (cov + z^2),  A2 = sum residual z;  D = A2 / A1
 */
import { solveSpdMany } from '../../../kernels/host/linalgEngine.js';
import { solveSpd } from '../linalg.js';
import { hostProducts, mirrorUppers, type Products } from './batched.js';
import type { Latent } from './latent.js';

export interface SubspaceAccumulators {
  /** [C, r, r]. */
  a1: Float64Array;
  /** [C*D, r]. */
  a2: Float64Array;
}

export interface DiagonalAccumulators {
  /** [C*D] each. */
  a1: Float64Array;
  a2: Float64Array;
}

export function emptySubspace(c: number, d: number, r: number): SubspaceAccumulators {
  return { a1: new Float64Array(c * r * r), a2: new Float64Array(c * d * r) };
}

export function emptyDiagonal(c: number, d: number): DiagonalAccumulators {
  return { a1: new Float64Array(c * d), a2: new Float64Array(c * d) };
}

/**
 * Adds latents w_h (with responsibilities n_h [C]) to a subspace's sums: of A1 (symmetric) the
 * upper triangles only, which completeSubspace mirrors once every term is in.
 */
export function addToSubspace(acc: SubspaceAccumulators, ns: Float64Array[], ws: Latent[], r: number, products: Products = hostProducts): void {
  const seconds = ws.map(({ mean, cov }) => {
    const second = cov.slice();
    for (let a = 0; a < r; a++) for (let b = a; b < r; b++) second[a * r + b] += mean[a] * mean[b];
    return second;
  });
  products.addWeighted(acc.a1, ns, seconds, r);
  products.addOuterProducts(acc.a2, ws.map((w) => w.residual), ws.map((w) => w.mean), r);
}

/** Mirrors A1's upper triangles into the lower ones (the same values as summing both: E[w w^T] is symmetric). */
export function completeSubspace(acc: SubspaceAccumulators, r: number): SubspaceAccumulators {
  mirrorUppers(acc.a1, r);
  return acc;
}

/** Adds one speaker's z (its summed responsibilities n [C]) to D's sums. */
export function addToDiagonal(acc: DiagonalAccumulators, n: Float64Array, z: Latent, d: number): void {
  for (let i = 0; i < z.mean.length; i++) {
    acc.a1[i] += (z.cov[i] + z.mean[i] * z.mean[i]) * n[(i / d) | 0];
    acc.a2[i] += z.residual[i] * z.mean[i];
  }
}

export function addSubspace(a: SubspaceAccumulators, b: SubspaceAccumulators): SubspaceAccumulators {
  b.a1.forEach((v, i) => (a.a1[i] += v));
  b.a2.forEach((v, i) => (a.a2[i] += v));
  return a;
}

export function addDiagonal(a: DiagonalAccumulators, b: DiagonalAccumulators): DiagonalAccumulators {
  b.a1.forEach((v, i) => (a.a1[i] += v));
  b.a2.forEach((v, i) => (a.a2[i] += v));
  return a;
}

/** Gaussians whose systems are solved together: [r, r] and [r, D] each, about 64 MiB at r 400. */
const SOLVE_BYTES = 64 * 2 ** 20;

/**
 * The new subspace W [C*D, r] (U, V, or the i-vectors' T): W_c = A2_c A1_c^-1 by solving A1_c X =
 * A2_c^T (Cholesky on the host kernels: A1_c is symmetric positive definite once any session
 * saw Gaussian c; solveSpd's elimination where it is not). A Gaussian that no session saw
 * (A1_c all zero, and then A2_c too) gets W_c = 0, as bob's.
 */
export function updateSubspace(acc: SubspaceAccumulators, c: number, d: number, r: number): Float64Array {
  const w = new Float64Array(c * d * r);
  const seen = Array.from({ length: c }, (_, g) => g).filter((g) => acc.a1.subarray(g * r * r, (g + 1) * r * r).some((v) => v !== 0));
  const perChunk = Math.max(1, Math.floor(SOLVE_BYTES / (8 * r * (r + d))));
  for (let at = 0; at < seen.length; at += perChunk) {
    const chunk = seen.slice(at, at + perChunk);
    const a1s = new Float64Array(chunk.length * r * r);
    const bts = new Float64Array(chunk.length * r * d);
    chunk.forEach((g, s) => {
      a1s.set(acc.a1.subarray(g * r * r, (g + 1) * r * r), s * r * r);
      for (let j = 0; j < d; j++) for (let k = 0; k < r; k++) bts[s * r * d + k * d + j] = acc.a2[(g * d + j) * r + k];
    });
    const status = solveSpdMany(a1s, bts, r, d, chunk.length);
    chunk.forEach((g, s) => {
      let x: Float64Array | null = bts.subarray(s * r * d, (s + 1) * r * d);
      if (status === null || status[s] !== 0) x = solveSpd(acc.a1.subarray(g * r * r, (g + 1) * r * r), x, r, d);
      if (x === null) throw new Error(`subspace m-step: Gaussian ${g}'s sum of N E[w w^T] is singular`);
      for (let j = 0; j < d; j++) for (let k = 0; k < r; k++) w[(g * d + j) * r + k] = x[k * d + j];
    });
  }
  return w;
}

/** The new D: A2 / A1, keeping the old value where no speaker saw the element (A1 = 0). */
export function updateDiagonal(acc: DiagonalAccumulators, old: Float64Array): Float64Array {
  return old.map((v, i) => (acc.a1[i] > 0 ? acc.a2[i] / acc.a1[i] : v));
}
