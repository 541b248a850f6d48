/**
 * Shared by the full and tied kernel suites (Node: whitenedKernels.test.ts; Chromium:
 * browserSuite.ts): random problems in the kernels' input layout, float64 sums of the same
 * whitened statistics from the same float32 inputs, and the comparison with them of the e-step
 * and scoring ops on the current backend, fused or plain: sizes that fill no tile (D 5 and 13,
 * K 3 and 9, rows across blocks and threads), weights with zeros, and a row too far for float32
 * (log p -Inf, no responsibility). Sums within 2e-5 of their scale; log-likelihoods within
 * 2e-5 of max(|ll|, 1). Checks throw Errors (no jest in the browser).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WhitenedGaussians } from '../../kernels/fullKernelNames.js';
import { whitenedOps } from '../../src/math/gmm/whitenedKernels.js';
import { Random } from '../../src/math/random.js';
import { gaussian } from '../helpers/synthetic.js';

interface Problem {
  y: Float32Array;
  n: number;
  d: number;
  k: number;
  m: Float32Array;
  p: Float32Array;
  c: Float32Array;
  w: Float32Array | null;
}

/** A random problem: lower-triangular factors with positive diagonals, centres near the samples. */
function problem(tied: boolean, n: number, d: number, k: number, seed: number, weighted: boolean): Problem {
  const rng = new Random(seed);
  const y = Float32Array.from({ length: n * d }, () => 2 * gaussian(rng));
  y.fill(1e20, (n >> 1) * d, (n >> 1) * d + 1); // one row float32 cannot square
  const m = Float32Array.from({ length: k * d }, () => 2 * gaussian(rng));
  const p = new Float32Array((tied ? 1 : k) * d * d);
  for (let f = 0; f < (tied ? 1 : k); f++) {
    for (let r = 0; r < d; r++) {
      for (let col = 0; col < r; col++) p[f * d * d + r * d + col] = 0.3 * gaussian(rng);
      p[f * d * d + r * d + r] = 0.5 + rng.random();
    }
  }
  const c = Float32Array.from({ length: k }, () => -d - rng.random());
  const w = weighted ? Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : 0.5 + rng.random())) : null;
  return { y, n, d, k, m, p, c, w };
}

/** z of row i under Gaussian g, float64 from the float32 inputs (full: P_g (y - nu_g); tied: P y - q_g). */
function whiten(pr: Problem, tied: boolean, i: number, g: number): number[] {
  const { d, y, m, p } = pr;
  const f = tied ? 0 : g;
  const z: number[] = [];
  for (let r = 0; r < d; r++) {
    let s = 0;
    for (let col = 0; col <= r; col++) s += p[f * d * d + r * d + col] * (y[i * d + col] - (tied ? 0 : m[g * d + col]));
    z.push(tied ? s - m[g * d + r] : s);
  }
  return z;
}

/** Float64 reference: n, first [K, D], second ([K, D, D] full; pooled [D, D] tied), log p per row and their weighted sum. */
function reference(pr: Problem, tied: boolean) {
  const { n: rows, d, k, c, w } = pr;
  const n = new Float64Array(k);
  const first = new Float64Array(k * d);
  const second = new Float64Array(tied ? d * d : k * d * d);
  const perRow = new Float64Array(rows);
  let ll = 0;
  for (let i = 0; i < rows; i++) {
    const zs = Array.from({ length: k }, (_, g) => whiten(pr, tied, i, g));
    const lwl = zs.map((z, g) => c[g] - 0.5 * z.reduce((s, v) => s + v * v, 0));
    const max = Math.max(...lwl);
    const lse = Number.isFinite(max) ? max + Math.log(lwl.reduce((s, v) => s + Math.exp(v - max), 0)) : -Infinity;
    perRow[i] = Math.fround(pr.y[i * d]) > 1e19 ? -Infinity : lse;
    const weight = w === null ? 1 : w[i];
    if (weight === 0 || !Number.isFinite(perRow[i])) {
      if (weight !== 0) ll = -Infinity;
      continue;
    }
    ll += weight * lse;
    for (let g = 0; g < k; g++) {
      const r = weight * Math.exp(lwl[g] - lse);
      n[g] += r;
      const base = tied ? 0 : g * d * d;
      for (let a = 0; a < d; a++) {
        first[g * d + a] += r * zs[g][a];
        for (let b = 0; b < d; b++) second[base + a * d + b] += r * zs[g][a] * zs[g][b];
      }
    }
  }
  return { n, first, second, perRow, ll };
}

/** The packed output as the same quantities (tied: the scatter plus the pair terms, as the host accumulator forms them). */
function unpack(v: Float32Array, pr: Problem, tied: boolean) {
  const { d, k, m } = pr;
  const n = Float64Array.from(v.subarray(0, k));
  const first = Float64Array.from(v.subarray(k, k + k * d));
  if (!tied) return { n, first, second: Float64Array.from(v.subarray(k + k * d, k + k * d + k * d * d)), ll: v[v.length - 1] };
  const second = Float64Array.from(v.subarray(k + k * d, k + k * d + d * d));
  const pairs = v.subarray(k + k * d + d * d, k + k * d + d * d + k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const cab = 0.5 * (pairs[a * k + b] + pairs[b * k + a]);
      for (let r = 0; r < d; r++) for (let s = 0; s < d; s++) second[r * d + s] += cab * (m[a * d + r] - m[b * d + r]) * (m[a * d + s] - m[b * d + s]);
    }
  }
  return { n, first, second, ll: v[v.length - 1] };
}

function expectScaled(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= 2e-5 * Math.max(scale, 1))) {
      throw new Error(`${what}[${i}]: ${actual[i]} against ${expected[i]} (scale ${scale})`);
    }
  }
}

export const SIZES = [
  { rows: 1, d: 5, k: 3 },
  { rows: 37, d: 13, k: 9 },
  { rows: 700, d: 5, k: 9 },
  { rows: 300, d: 16, k: 8 },
];


export interface WhitenedCase {
  type: 'full' | 'tied';
  rows: number;
  d: number;
  k: number;
  weighted: boolean;
}

export const whitenedCases: WhitenedCase[] = (['full', 'tied'] as const).flatMap((type) =>
  SIZES.flatMap((s) => [false, true].map((weighted) => ({ type, ...s, weighted }))),
);

export const caseName = (c: WhitenedCase) => `${c.type}: ${c.rows} rows, D ${c.d}, K ${c.k}, weighted ${c.weighted}`;

function expectWithin(actual: number, expected: number, what: string): void {
  if (Number.isFinite(expected) ? !(Math.abs(actual - expected) <= 2e-5 * Math.max(Math.abs(expected), 1)) : actual !== -Infinity) {
    throw new Error(`${what}: ${actual} against ${expected}`);
  }
}

/** Runs one case through the e-step and scoring ops of `mode`; throws what differs. */
export async function runWhitenedCase({ type, rows, d, k, weighted }: WhitenedCase, mode: 'fused' | 'plain'): Promise<void> {
  const tied = type === 'tied';
  const pr = problem(tied, rows, d, k, rows + d + k, weighted);
  const ref = reference(pr, tied);
  const ops = whitenedOps(tied, mode);
  const g: WhitenedGaussians = {
    m: tf.tensor2d(pr.m, [k, d]),
    p: tied ? tf.tensor2d(pr.p, [d, d]) : tf.tensor3d(pr.p, [k, d, d]),
    c: tf.tensor1d(pr.c),
  };
  const y = tf.tensor2d(pr.y, [rows, d]);
  const w = pr.w === null ? null : tf.tensor1d(pr.w);
  const read = async (t: tf.Tensor) => {
    try {
      return (await t.data()) as Float32Array;
    } finally {
      t.dispose();
    }
  };
  try {
    const out = unpack(await read(ops.eStep(y, g, w)), pr, tied);
    expectScaled(out.n, ref.n, 'n');
    expectScaled(out.first, ref.first, 'first');
    expectScaled(out.second, ref.second, 'second');
    expectWithin(out.ll, ref.ll, 'log-likelihood sum');
    const ll = await read(ops.logLikelihood(y, g));
    ref.perRow.forEach((e, i) => expectWithin(ll[i], e, `log p of row ${i}`));
  } finally {
    tf.dispose([g.m, g.p, g.c, y, ...(w === null ? [] : [w])]);
  }
}
