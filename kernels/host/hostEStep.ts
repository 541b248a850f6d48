import { ESTEP, LOGLIK, runHostKernel } from './hostEngine.js';

/**
 * The e-step of samples y [rows, d] (centred by the model's shift) against the
 * Gaussians nu, h [d, k], c [k] of kernelNames.ts, on the host in wasm SIMD:
 * float32 [2dk + k + 1] = [ sum r (y - nu) [d, k] | sum r (y - nu)^2 [d, k] |
 * sum r [k] | sum log p ], each row counting weights[i] times when given. Each thread's
 * float32 sums are added in float64.
 */
export function hostEStep(
  y: Float32Array, rows: number, d: number, nu: Float32Array, h: Float32Array, c: Float32Array, weights: Float32Array | null = null,
): Float32Array {
  const k = c.length;
  const sumsOf = (kp: number) => (2 * d + 1) * kp;
  const { buffer, outs, kp } = runHostKernel(ESTEP, y, rows, d, { nu, h, c }, (_, kp) => 4 * sumsOf(kp) + 8, weights);
  const floats = sumsOf(kp);
  const sums = new Float64Array(floats);
  let ll = 0;
  for (const out of outs) {
    const part = new Float32Array(buffer, out, floats);
    for (let i = 0; i < floats; i++) sums[i] += part[i];
    ll += new Float64Array(buffer, out + 4 * floats, 1)[0];
  }
  // Rows 0..2d of [2d + 1, kp] without the padding columns, then sum log p.
  const packed = new Float32Array(2 * d * k + k + 1);
  for (let r = 0; r <= 2 * d; r++) {
    for (let i = 0; i < k; i++) packed[r * k + i] = sums[r * kp + i];
  }
  packed[(2 * d + 1) * k] = ll;
  return packed;
}

/** log p(y_i) per row, float32 [rows] (-Inf where no Gaussian has mass). */
export function hostLogLikelihood(y: Float32Array, rows: number, d: number, nu: Float32Array, h: Float32Array, c: Float32Array): Float32Array {
  const { buffer, outs, starts } = runHostKernel(LOGLIK, y, rows, d, { nu, h, c }, (r) => 4 * r);
  const out = new Float32Array(rows);
  outs.forEach((at, t) => out.set(new Float32Array(buffer, at, starts[t + 1] - starts[t]), starts[t]));
  return out;
}
