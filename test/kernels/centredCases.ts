/**
 * Shared by the e-step kernel suites (Node and Chromium): problems in the kernels'
 * input layout {y, nu, h, c}, a float64 reference of the same sums, and the
 * comparison with it of the e-step and log-likelihood ops on the current backend,
 * through the fused kernels or the plain ops (src/math/gmm/eStepKernels.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { EStepMode, eStepChunkFor, logLikelihoodChunkFor } from '../../src/math/gmm/eStepKernels.js';

export interface GaussianProblem {
  n: number;
  d: number;
  k: number;
  y: Float32Array;
  nu: Float32Array;
  h: Float32Array;
  c: Float32Array;
  /** Per-row weights (each row counts w_i times); absent: unweighted. */
  w?: Float32Array;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/**
 * n samples around k Gaussians, sample i from Gaussian i mod k, mean + spread * U(-2, 2)
 * per feature; means `centre` + `spacing` * U(-1, 1), variances `variance` * U(0.5, 1.5),
 * equal weights. The coefficients are computed in float64, then rounded to float32.
 */
function gaussians(n: number, d: number, k: number, seed: number, centre: number, spacing: number, variance: number): GaussianProblem {
  const rng = lcg(seed);
  const nu = Float64Array.from({ length: d * k }, () => centre + spacing * (2 * rng() - 1));
  const v = Float64Array.from({ length: d * k }, () => variance * (0.5 + rng()));
  const c = new Float32Array(k);
  for (let kk = 0; kk < k; kk++) {
    let logDet = 0;
    for (let j = 0; j < d; j++) logDet += Math.log(v[j * k + kk]);
    c[kk] = -Math.log(k) - 0.5 * (d * Math.log(2 * Math.PI) + logDet);
  }
  const y = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) y[i * d + j] = nu[j * k + (i % k)] + Math.sqrt(variance) * (4 * rng() - 2);
  }
  return { n, d, k, y, nu: Float32Array.from(nu), h: Float32Array.from(v, (x) => 0.5 / x), c };
}

/** Unit-scale Gaussians: means in [-2, 2], variances in [0.5, 1.5]. */
export const unitProblem = (n: number, d: number, k: number, seed: number) => gaussians(n, d, k, seed, 0, 2, 1);

/**
 * Narrow Gaussians far from 0: means 100 +- 0.01, variances ~1e-6 (|nu| / sigma ~ 1e5),
 * overlapping (means ~10 sigma apart at most). About 0, sum r y^2 ~ 1e4 n per Gaussian
 * while sum r (y - nu)^2 ~ 1e-6 n: the old statistics about 0 lose every digit of the latter.
 */
export const narrowProblem = (n: number, d: number, k: number, seed: number) => gaussians(n, d, k, seed, 100, 0.01, 1e-6);

/** Shapes that cover tails: rows not a multiple of 4 or of a block, odd D, K not a multiple of 8 or over 64. */
export const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 3, 5],
  [1001, 7, 13],
  [3000, 60, 64],
  [600, 20, 130],
];

/** The statistics in float64 from the float32 inputs, and the scale each one's rounding error is relative to. */
export interface Reference {
  /** The packed E_STEP output. */
  stats: Float64Array;
  /** Per statistic, the sum of its terms' magnitudes (sum r |y - nu|, ..., sum |log p|). */
  scale: Float64Array;
  /** log p(y_i). */
  logP: Float64Array;
}

export function reference({ n, d, k, y, nu, h, c, w }: GaussianProblem): Reference {
  const dk = d * k;
  const stats = new Float64Array(2 * dk + k + 1);
  const scale = new Float64Array(2 * dk + k + 1);
  const logP = new Float64Array(n);
  const l = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let kk = 0; kk < k; kk++) {
      let acc = 0;
      for (let j = 0; j < d; j++) acc += (y[i * d + j] - nu[j * k + kk]) ** 2 * h[j * k + kk];
      l[kk] = c[kk] - acc;
      mx = Math.max(mx, l[kk]);
    }
    const weight = w === undefined ? 1 : w[i];
    if (mx === -Infinity) {
      logP[i] = -Infinity;
      if (weight > 0) stats[2 * dk + k] = -Infinity;
      continue;
    }
    let s = 0;
    for (let kk = 0; kk < k; kk++) s += Math.exp(l[kk] - mx);
    logP[i] = mx + Math.log(s);
    stats[2 * dk + k] += weight * logP[i];
    scale[2 * dk + k] += weight * Math.abs(logP[i]);
    for (let kk = 0; kk < k; kk++) {
      const r = weight * Math.exp(l[kk] - logP[i]);
      for (let j = 0; j < d; j++) {
        const diff = y[i * d + j] - nu[j * k + kk];
        stats[j * k + kk] += r * diff;
        scale[j * k + kk] += r * Math.abs(diff);
        stats[dk + j * k + kk] += r * diff * diff;
        scale[dk + j * k + kk] += r * diff * diff;
      }
      stats[2 * dk + kk] += r;
      scale[2 * dk + kk] += r;
    }
  }
  return { stats, scale, logP };
}

/** The e-step ('eStep': the packed statistics) or log p per row on the current backend. */
export async function runPath(what: 'eStep' | 'logLikelihood', p: GaussianProblem, mode: EStepMode): Promise<Float32Array> {
  const y = tf.tensor2d(p.y, [p.n, p.d]);
  const g = { nu: tf.tensor2d(p.nu, [p.d, p.k]), h: tf.tensor2d(p.h, [p.d, p.k]), c: tf.tensor1d(p.c) };
  const w = p.w === undefined ? null : tf.tensor1d(p.w);
  try {
    const out = what === 'eStep' ? eStepChunkFor(mode)(y, g, w) : logLikelihoodChunkFor(mode)(y, g);
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  } finally {
    tf.dispose([y, g.nu, g.h, g.c, ...(w === null ? [] : [w])]);
  }
}

const SECTIONS = ['sum r (y - nu)', 'sum r (y - nu)^2', 'sum r', 'sum log p'];

/**
 * null when |got - want| <= rtol scale + 1e-30 for every statistic (exact -Inf where
 * the reference is -Inf, no NaN); otherwise the worst element, described. The 1e-30
 * covers responsibilities that float32 flushes to 0 (or to a denormal) where float64
 * keeps ~1e-38 or less.
 */
export function eStepMismatch(got: Float32Array, ref: Reference, d: number, k: number, rtol: number): string | null {
  const bounds = [0, d * k, 2 * d * k, 2 * d * k + k, 2 * d * k + k + 1];
  if (got.length !== ref.stats.length) return `length ${got.length}, expected ${ref.stats.length}`;
  let worst = { ratio: 1, what: '' };
  for (let s = 0; s < 4; s++) {
    for (let i = bounds[s]; i < bounds[s + 1]; i++) {
      const want = ref.stats[i];
      if (want === -Infinity) {
        if (got[i] !== -Infinity) return `${SECTIONS[s]}[${i - bounds[s]}]: ${got[i]}, expected -Infinity`;
        continue;
      }
      const ratio = Math.abs(got[i] - want) / (rtol * ref.scale[i] + 1e-30);
      if (!(ratio <= worst.ratio)) worst = { ratio, what: `${SECTIONS[s]}[${i - bounds[s]}]: ${got[i]}, expected ${want} (scale ${ref.scale[i]}, rtol ${rtol})` };
    }
  }
  return worst.what || null;
}

/** null when |got - want| <= atol (1 + |want|) per row (exact -Inf where the reference is -Inf). */
export function logLikelihoodMismatch(got: Float32Array, ref: Reference, atol: number): string | null {
  if (got.length !== ref.logP.length) return `length ${got.length}, expected ${ref.logP.length}`;
  for (let i = 0; i < got.length; i++) {
    const want = ref.logP[i];
    const ok = want === -Infinity ? got[i] === -Infinity : Math.abs(got[i] - want) <= atol * (1 + Math.abs(want));
    if (!ok) return `log p[${i}]: ${got[i]}, expected ${want}`;
  }
  return null;
}

/**
 * Tolerances, against the float64 reference of the same float32 inputs. Each
 * responsibility carries a relative error ~ eps |l_ik| from the float32
 * log-likelihood (a few 1e-7 to 1e-6 for unit Gaussians with D = 60 or K = 130),
 * and each block of up to 128 rows is summed in sequence before the blocks' tree
 * sum (~ sqrt(128) eps typical). Measured on lavapipe: at most 2.2e-6 (relative
 * to the terms' magnitudes) for the unit problems, 1e-7 for the narrow ones, 2.5e-7
 * for log p; the tolerances leave a factor of 4 to 10.
 */
export const UNIT_RTOL = 1e-5;
/** Narrow Gaussians: y - nu is exact in float32 (Sterbenz), so the centred sums keep ~1e-5 relative. */
export const NARROW_RTOL = 1e-5;
/** log p(y_i): |error| <= LOG_P_TOL (1 + |log p|). */
export const LOG_P_TOL = 2e-6;

/** A named check on the current backend, by the fused kernels or the plain ops: null when it passes, else what differs. */
export interface CentredCase {
  name: string;
  /** Large enough that the plain ops take seconds on cpu and wasm: run on the fused kernels only. */
  large?: boolean;
  run(mode: 'fused' | 'plain'): Promise<string | null>;
}

/** E_STEP and LOG_LIKELIHOOD on one problem, against the reference. */
function bothKernels(make: () => GaussianProblem, rtol: number): CentredCase['run'] {
  return async (mode) => {
    const p = make();
    const ref = reference(p);
    const stats = eStepMismatch(await runPath('eStep', p, mode), ref, p.d, p.k, rtol);
    if (stats !== null) return `e-step ${stats}`;
    const logP = logLikelihoodMismatch(await runPath('logLikelihood', p, mode), ref, LOG_P_TOL);
    return logP === null ? null : `log-likelihood ${logP}`;
  };
}

/** Every Gaussian at c = -Inf: log p = -Inf per row, -Inf in the sum, exact zeros elsewhere (no NaN). */
async function deadRows(mode: 'fused' | 'plain'): Promise<string | null> {
  const p = unitProblem(300, 4, 9, 3);
  p.c.fill(-Infinity);
  const stats = await runPath('eStep', p, mode);
  if (stats[stats.length - 1] !== -Infinity) return `sum log p ${stats[stats.length - 1]}, expected -Infinity`;
  const nonZero = stats.subarray(0, stats.length - 1).findIndex((v) => v !== 0);
  if (nonZero >= 0) return `statistic ${nonZero}: ${stats[nonZero]}, expected 0`;
  const logP = await runPath('logLikelihood', p, mode);
  const finite = logP.findIndex((v) => v !== -Infinity);
  return finite < 0 ? null : `log p of row ${finite}: ${logP[finite]}, expected -Infinity`;
}

/** One Gaussian at c = -Inf among live ones: exactly zero statistics for it, the rest as the reference. */
async function deadGaussian(mode: 'fused' | 'plain'): Promise<string | null> {
  const p = unitProblem(500, 5, 3, 7);
  p.c[2] = -Infinity;
  const stats = await runPath('eStep', p, mode);
  const { d, k } = p;
  const dead = [...Array(d).keys()].flatMap((j) => [j * k + 2, d * k + j * k + 2]).concat(2 * d * k + 2);
  const nonZero = dead.find((i) => stats[i] !== 0);
  if (nonZero !== undefined) return `statistic ${nonZero} of the dead Gaussian: ${stats[nonZero]}, expected 0`;
  return eStepMismatch(stats, reference(p), d, k, UNIT_RTOL);
}

/** Weights 0, 0.5, 1, 2 and 3.25 in turn: each row's statistics count its weight, a row of weight 0 nothing. */
function weighted(make: () => GaussianProblem): () => GaussianProblem {
  return () => {
    const p = make();
    p.w = Float32Array.from({ length: p.n }, (_, i) => [0, 0.5, 1, 2, 3.25][i % 5]);
    return p;
  };
}

/** Integer weights: the statistics of the rows repeated that many times. */
async function repeatedRows(mode: 'fused' | 'plain'): Promise<string | null> {
  const p = unitProblem(400, 6, 11, 13);
  p.w = Float32Array.from({ length: p.n }, (_, i) => i % 4);
  const repeated = { ...p, w: undefined, y: new Float32Array(0), n: 0 };
  const rows: number[] = [];
  for (let i = 0; i < p.n; i++) for (let t = 0; t < p.w[i]; t++) rows.push(...p.y.subarray(i * p.d, (i + 1) * p.d));
  Object.assign(repeated, { y: Float32Array.from(rows), n: rows.length / p.d });
  return eStepMismatch(await runPath('eStep', p, mode), reference(repeated), p.d, p.k, UNIT_RTOL);
}

/** Rows with no finite log-likelihood: one of weight 0 adds nothing (not NaN); one of weight 2 makes the sum -Inf. */
async function deadWeightedRows(mode: 'fused' | 'plain'): Promise<string | null> {
  const p = unitProblem(300, 4, 9, 3);
  p.c.fill(-Infinity);
  p.w = new Float32Array(p.n);
  const zero = await runPath('eStep', p, mode);
  const bad = zero.findIndex((v) => v !== 0);
  if (bad >= 0) return `weights 0: statistic ${bad} is ${zero[bad]}, expected 0`;
  p.w[17] = 2;
  const some = await runPath('eStep', p, mode);
  return some[some.length - 1] === -Infinity ? null : `sum log p ${some[some.length - 1]}, expected -Infinity`;
}

/** The cases a path runs: the plain ops leave out the large ones (the same ops as the small ones, only slower). */
export const casesFor = (mode: 'fused' | 'plain'): CentredCase[] => CENTRED_CASES.filter((c) => mode === 'fused' || !c.large);

/** Every check, in order: the shapes with tails, narrow Gaussians far from 0, dead rows and Gaussians. */
export const CENTRED_CASES: CentredCase[] = [
  ...SHAPES.map(([n, d, k]) => ({ name: `n=${n} D=${d} K=${k}`, large: n * d * k > 1e7, run: bothKernels(() => unitProblem(n, d, k, n + d + k), UNIT_RTOL) })),
  { name: 'narrow Gaussians far from 0 (n=2000 D=5 K=7)', run: bothKernels(() => narrowProblem(2000, 5, 7, 9), NARROW_RTOL) },
  { name: 'narrow Gaussians far from 0, many blocks (n=20000 D=3 K=4)', run: bothKernels(() => narrowProblem(20000, 3, 4, 2), NARROW_RTOL) },
  { name: 'every c = -Inf: -Inf log p, zero statistics, no NaN', run: deadRows },
  { name: 'one Gaussian at c = -Inf: exactly zero statistics for it', run: deadGaussian },
  { name: 'weighted rows (0, 0.5, 1, 2, 3.25; n=1001 D=7 K=13)', run: bothKernels(weighted(() => unitProblem(1001, 7, 13, 21)), UNIT_RTOL) },
  { name: 'weighted rows, narrow Gaussians far from 0 (n=2000 D=5 K=7)', run: bothKernels(weighted(() => narrowProblem(2000, 5, 7, 9)), NARROW_RTOL) },
  { name: 'integer weights give the statistics of repeated rows', run: repeatedRows },
  { name: 'rows of no finite log-likelihood: weight 0 adds nothing, weight 2 adds -Inf', run: deadWeightedRows },
];
