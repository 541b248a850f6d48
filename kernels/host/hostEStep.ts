import { ESTEP, LOGLIK, type HostModel, type StoredRows, paddedGaussians, runHostKernel } from './hostEngine.js';

/**
 * The diagonal model as the kernels take it: nu, h [d, kp] and c [kp] (kernelNames.ts) in a row;
 * padded Gaussians get c = -Inf (zero responsibility).
 */
function diagonalModel(d: number, nu: Float32Array, h: Float32Array, c: Float32Array): HostModel {
  const k = c.length;
  const kp = paddedGaussians(k);
  const values = new Float32Array((2 * d + 1) * kp);
  for (let j = 0; j < d; j++) {
    values.set(nu.subarray(j * k, (j + 1) * k), j * kp);
    values.set(h.subarray(j * k, (j + 1) * k), (d + j) * kp);
  }
  values.fill(-Infinity, 2 * d * kp);
  values.set(c, 2 * d * kp);
  return { values, args: (at) => [kp, at, at + 4 * d * kp, at + 8 * d * kp], kp, workBytes: 0 };
}

/**
 * The e-step of samples y [rows, d] (centred by the model's shift) against the
 * Gaussians nu, h [d, k], c [k] of kernelNames.ts, on the host in wasm SIMD:
 * float32 [2dk + k + 1] = [ sum r (y - nu) [d, k] | sum r (y - nu)^2 [d, k] |
 * sum r [k] | sum log p ], each row counting weights[i] times when given. Each thread's
 * float32 sums are added in float64. With a shift, y holds the rows as stored and the kernel
 * centres them (float64 subtraction rounded to float32: the same y as a centred chunk).
 */
export function hostEStep(
  y: Float32Array | Float64Array | StoredRows, rows: number, d: number, nu: Float32Array, h: Float32Array, c: Float32Array,
  weights: Float32Array | null = null, shift: Float64Array | null = null,
): Float32Array {
  const k = c.length;
  const model = diagonalModel(d, nu, h, c);
  const floats = (2 * d + 1) * model.kp;
  const { buffer, outs } = runHostKernel(ESTEP, y, rows, d, model, () => 4 * floats + 8, weights, shift);
  const { sums, ll } = threadSums(buffer, outs, floats);
  // Rows 0..2d of [2d + 1, kp] without the padding columns, then sum log p.
  const packed = new Float32Array(2 * d * k + k + 1);
  for (let r = 0; r <= 2 * d; r++) {
    for (let i = 0; i < k; i++) packed[r * k + i] = sums[r * model.kp + i];
  }
  packed[(2 * d + 1) * k] = ll;
  return packed;
}

/** log p(y_i) per row, float32 [rows] (-Inf where no Gaussian has mass); y centred by the kernel when a shift is given, as hostEStep. */
export function hostLogLikelihood(
  y: Float32Array | Float64Array | StoredRows, rows: number, d: number, nu: Float32Array, h: Float32Array, c: Float32Array, shift: Float64Array | null = null,
): Float32Array {
  return rowValues(LOGLIK, y, rows, d, diagonalModel(d, nu, h, c), shift);
}

/** A kernel's [rows] f32 output, gathered from its threads. */
export function rowValues(kernel: number, y: Float32Array | Float64Array | StoredRows, rows: number, d: number, model: HostModel, shift: Float64Array | null = null): Float32Array {
  const { buffer, outs, starts } = runHostKernel(kernel, y, rows, d, model, (r) => 4 * r, null, shift);
  const out = new Float32Array(rows);
  outs.forEach((at, t) => out.set(new Float32Array(buffer, at, starts[t + 1] - starts[t]), starts[t]));
  return out;
}

/** The threads' f32 sums (`floats` of them at each out) added in float64, and their f64 log-likelihoods after them. */
export function threadSums(buffer: ArrayBufferLike, outs: number[], floats: number): { sums: Float64Array; ll: number } {
  const sums = new Float64Array(floats);
  let ll = 0;
  for (const out of outs) {
    const part = new Float32Array(buffer, out, floats);
    for (let i = 0; i < floats; i++) sums[i] += part[i];
    ll += new Float64Array(buffer, out + 4 * floats, 1)[0];
  }
  return { sums, ll };
}
