import { ESTEP, LOGLIK, runHostKernel } from './hostEngine.js';

/**
 * The packed e-step of eStepChunk (see src/math/gmm/eStep.ts) for centred
 * samples y [rows, d] and GEMM-form coefficients W [2d, k], b [k], on the host
 * in wasm SIMD. Each thread's float32 sums are added in float64.
 */
export function hostEStep(y: Float32Array, rows: number, d: number, w: Float32Array, b: Float32Array): Float32Array {
  const k = b.length;
  const sumsOf = (kp: number) => (2 * d + 1) * kp;
  const { buffer, outs, kp } = runHostKernel(ESTEP, y, rows, d, w, b, (_, kp) => 4 * sumsOf(kp) + 8);
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

/** log p(y_i) per row, [rows], as logSumExpRows(logWeightedLikelihood(y, g)) gives it. */
export function hostLogLikelihood(y: Float32Array, rows: number, d: number, w: Float32Array, b: Float32Array): Float32Array {
  const { buffer, outs, starts } = runHostKernel(LOGLIK, y, rows, d, w, b, (r) => 4 * r);
  const out = new Float32Array(rows);
  outs.forEach((at, t) => out.set(new Float32Array(buffer, at, starts[t + 1] - starts[t]), starts[t]));
  return out;
}
