import { FULL_ESTEP, FULL_LOGLIK, TIED_ESTEP, TIED_LOGLIK, type HostModel, paddedGaussians, runHostKernel } from './hostEngine.js';
import { paddedFeatures, workBytes } from './layout.js';
import { rowValues, threadSums } from './hostEStep.js';
import { fullPackedLength, tiedPackedLength } from '../fullKernelNames.js';

/** Whitened Gaussians as kernels/fullKernelNames.ts gives them: centres m [K, D], factors p ([K, D, D] or [D, D], P lower), c [K]. */
export interface HostWhitened {
  m: Float32Array;
  p: Float32Array;
  c: Float32Array;
}

/**
 * The model as whitened.wat takes it, features padded to dp and Gaussians to kp (c = -Inf):
 * full: nu [kp, dp] | pt [kp, dp, dp] (each P^T) | c [kp];
 * tied: q [dp, kp] (feature-major) | h [dp, kp] (1/2, 0 in padded features) | pt [dp, dp] | c [kp].
 */
function whitenedModel(tied: boolean, d: number, g: HostWhitened): HostModel {
  const k = g.c.length;
  const [kp, dp] = [paddedGaussians(k), paddedFeatures(d)];
  const factors = tied ? 1 : kp;
  const centres = tied ? 2 * dp * kp : kp * dp;
  const values = new Float32Array(centres + factors * dp * dp + kp);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < d; j++) values[tied ? j * kp + i : i * dp + j] = g.m[i * d + j];
  }
  if (tied) for (let j = 0; j < d; j++) values.fill(0.5, (dp + j) * kp, (dp + j + 1) * kp);
  for (let f = 0; f < (tied ? 1 : k); f++) {
    const at = centres + f * dp * dp;
    for (let r = 0; r < d; r++) for (let col = 0; col <= r; col++) values[at + col * dp + r] = g.p[f * d * d + r * d + col];
  }
  const c = centres + factors * dp * dp;
  values.fill(-Infinity, c);
  values.set(g.c, c);
  return { values, args: (at) => [dp, kp, at, at + 4 * centres, at + 4 * c], kp, workBytes: workBytes(tied, kp, dp) };
}

/** The full-covariance e-step on the host, packed as FULL_E_STEP; each thread's sums added in float64. */
export function hostFullEStep(y: Float32Array, rows: number, d: number, g: HostWhitened, weights: Float32Array | null): Float32Array {
  const k = g.c.length;
  const model = whitenedModel(false, d, g);
  const [kp, dp] = [model.kp, paddedFeatures(d)];
  const floats = kp * (1 + dp + dp * dp);
  const { buffer, outs } = runHostKernel(FULL_ESTEP, y, rows, d, model, () => 4 * floats + 8, weights);
  const { sums, ll } = threadSums(buffer, outs, floats);
  const packed = new Float32Array(fullPackedLength(d, k));
  for (let i = 0; i < k; i++) {
    packed[i] = sums[i];
    for (let j = 0; j < d; j++) packed[k + i * d + j] = sums[kp + i * dp + j];
    const from = kp * (1 + dp) + i * dp * dp;
    const to = k + k * d + i * d * d;
    mirrorUpper(sums, from, dp, packed, to, d);
  }
  packed[packed.length - 1] = ll;
  return packed;
}

/** The tied-covariance e-step on the host, packed as TIED_E_STEP: the pooled scatter whole, no pair terms. */
export function hostTiedEStep(y: Float32Array, rows: number, d: number, g: HostWhitened, weights: Float32Array | null): Float32Array {
  const k = g.c.length;
  const model = whitenedModel(true, d, g);
  const [kp, dp] = [model.kp, paddedFeatures(d)];
  const floats = 2 * dp * kp + kp + dp * dp;
  const { buffer, outs } = runHostKernel(TIED_ESTEP, y, rows, d, model, () => 4 * floats + 8, weights);
  const { sums, ll } = threadSums(buffer, outs, floats);
  const packed = new Float32Array(tiedPackedLength(d, k));
  for (let i = 0; i < k; i++) {
    packed[i] = sums[2 * dp * kp + i];
    for (let j = 0; j < d; j++) packed[k + i * d + j] = sums[j * kp + i];
  }
  mirrorUpper(sums, 2 * dp * kp + kp, dp, packed, k + k * d, d);
  // the pair block [K, K] stays 0: the scatter above is already about each Gaussian's centre
  packed[packed.length - 1] = ll;
  return packed;
}

export function hostFullLogLikelihood(y: Float32Array, rows: number, d: number, g: HostWhitened): Float32Array {
  return rowValues(FULL_LOGLIK, y, rows, d, whitenedModel(false, d, g));
}

export function hostTiedLogLikelihood(y: Float32Array, rows: number, d: number, g: HostWhitened): Float32Array {
  return rowValues(TIED_LOGLIK, y, rows, d, whitenedModel(true, d, g));
}

/** The upper triangle of a [dp, dp] matrix at `from`, as a full symmetric [d, d] one at `to`. */
function mirrorUpper(sums: Float64Array, from: number, dp: number, out: Float32Array, to: number, d: number): void {
  for (let r = 0; r < d; r++) {
    for (let col = r; col < d; col++) {
      const v = sums[from + r * dp + col];
      out[to + r * d + col] = v;
      out[to + col * d + r] = v;
    }
  }
}
