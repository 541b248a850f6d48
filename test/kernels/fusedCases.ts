/**
 * Shared by the fused-kernel suites (Node and Chromium): e-step problems on
 * well-conditioned centred data, and the comparison of a fused kernel's packed
 * statistics with the plain TF.js path's.
 */
import * as tf from '@tensorflow/tfjs-core';
import { eStepChunkFor, logLikelihoodChunkFor } from '../../src/math/gmm/eStepKernels.js';
import { centreOfMeans, gemmCoefficients } from '../../src/math/gmm/params.js';

export interface Problem {
  n: number;
  d: number;
  k: number;
  y: Float32Array;
  weights: Float32Array;
  bias: Float32Array;
}

/** Shapes that cover tails: rows not a multiple of 4 or of the block, odd D, K not a multiple of 8. */
export const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 3, 5],
  [1001, 7, 13],
  [3000, 60, 64],
  [600, 20, 130],
];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

/**
 * n samples around k Gaussians (means in [-2, 2], variances in [0.5, 1.5]), centred by
 * the library's shift, with the GEMM-form coefficients; mixtureWeights overrides w.
 */
export function problem(n: number, d: number, k: number, seed: number, mixtureWeights?: number[]): Problem {
  const rng = lcg(seed);
  const means = Float64Array.from({ length: k * d }, () => 4 * rng() - 2);
  const variances = Float64Array.from({ length: k * d }, () => 0.5 + rng());
  const weights = Float64Array.from(mixtureWeights ?? Array.from({ length: k }, () => 1 / k));
  const params = { weights, means, variances };
  const shift = centreOfMeans(params);
  const y = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    for (let j = 0; j < d; j++) y[i * d + j] = means[c * d + j] + 2 * rng() - 1 - shift[j];
  }
  const g = gemmCoefficients(params, shift);
  return { n, d, k, y, weights: Float32Array.from(g.weights), bias: Float32Array.from(g.bias) };
}

/**
 * The packed e-step (or, with what = 'logLikelihood', log p per row) by the fused kernel
 * and by the plain ops, on the current backend.
 */
export async function bothPaths(p: Problem, what: 'eStep' | 'logLikelihood' = 'eStep'): Promise<{ fused: Float32Array; plain: Float32Array }> {
  const y = tf.tensor2d(p.y, [p.n, p.d]);
  const g = { form: 'gemm' as const, weights: tf.tensor2d(p.weights, [2 * p.d, p.k]), bias: tf.tensor1d(p.bias) };
  const pathFor = what === 'eStep' ? eStepChunkFor : logLikelihoodChunkFor;
  try {
    const run = async (mode: 'fused' | 'plain') => {
      const out = pathFor(mode)(y, g);
      try {
        return (await out.data()) as Float32Array;
      } finally {
        out.dispose();
      }
    };
    return { fused: await run('fused'), plain: await run('plain') };
  } finally {
    tf.dispose([y, g.weights, g.bias]);
  }
}

/**
 * Tolerance on the packed statistics: |fused - plain| <= RTOL |plain| + ATOL max|section|
 * per section (sum r y, sum r y^2, sum r, sum log p). Both paths sum in float32 in
 * different orders; sums of mixed-sign terms (sum r y) can be near 0, hence the
 * section-scaled absolute term.
 */
export const RTOL = 1e-5;
export const ATOL = 1e-6;

/** null when within tolerance; otherwise the worst element, described. */
export function mismatch(fused: Float32Array, plain: Float32Array, d: number, k: number): string | null {
  if (fused.length !== plain.length) return `lengths ${fused.length} != ${plain.length}`;
  const sections = [0, d * k, 2 * d * k, 2 * d * k + k, 2 * d * k + k + 1];
  const names = ['sum r y', 'sum r y^2', 'sum r', 'sum log p'];
  for (let s = 0; s < 4; s++) {
    let scale = 0;
    for (let i = sections[s]; i < sections[s + 1]; i++) scale = Math.max(scale, Math.abs(plain[i]));
    for (let i = sections[s]; i < sections[s + 1]; i++) {
      const a = fused[i];
      const e = plain[i];
      if (a === e) continue;
      if (!(Math.abs(a - e) <= RTOL * Math.abs(e) + ATOL * scale)) {
        return `${names[s]}[${i - sections[s]}]: fused ${a}, plain ${e} (section scale ${scale})`;
      }
    }
  }
  return null;
}
