/**
 * Precision targets of the float32 device path against a float64 EM
 * (test/helpers/precision64.ts), on data where the old path cancelled: narrow
 * Gaussians 1e4 standard deviations from the data's centre, and data offset by
 * 1e7. After 10 ML steps and after one MAP step: means within 1e-4 sigma,
 * variances and weights within 1e-4 relative; the machine's per-sample
 * log-likelihoods within 1e-5 max(|ll|, 1) of float64 scoring of the same
 * parameters, plus the float32 rounding of the samples themselves
 * (float32InputBound: a sample 1e4 sigma from the centre is known to the device
 * only to ~6e-8 * 1e4 sigma). Pure data and checks: run in Node and in Chromium.
 */
import type { GMMMachine } from '../../src/machines/GMMMachine.js';
import { Model64, float32InputBound, logLikelihood64, mapStep64, mlStep64 } from './precision64.js';

export interface PrecisionProblem {
  data: number[][];
  /** Where EM starts (ML) or the UBM (MAP). */
  start: Model64;
}

function gaussianRng(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * nPer samples from each Gaussian; EM starts from the true parameters moved by
 * 0.3 sigma and variances scaled by 1.3, so that every step moves them.
 */
export function problemFrom(truth: Model64, nPer: number, seed: number): PrecisionProblem {
  const rng = gaussianRng(seed);
  const data: number[][] = [];
  for (let i = 0; i < nPer; i++) {
    truth.means.forEach((mu, k) => data.push(mu.map((m, j) => m + Math.sqrt(truth.variances[k][j]) * rng())));
  }
  const start = {
    weights: truth.weights.slice(),
    means: truth.means.map((mu, k) => mu.map((m, j) => m + 0.3 * Math.sqrt(truth.variances[k][j]))),
    variances: truth.variances.map((v) => v.map((vj) => 1.3 * vj)),
  };
  return { data, start };
}

/**
 * k broad Gaussians (sigma ~ 1) near 0 and two narrow ones (sigma = narrow) at
 * +-distance * narrow: |mean - centre| / sigma reaches `distance`; everything
 * shifted by offset.
 */
export function narrowFar(k: number, d: number, distance: number, narrow: number, offset: number, seed: number): Model64 {
  const rng = gaussianRng(seed);
  const means: number[][] = [];
  const variances: number[][] = [];
  for (let i = 0; i < k; i++) {
    means.push(Array.from({ length: d }, () => offset + 1.5 * rng()));
    variances.push(Array.from({ length: d }, () => 0.5 + 0.25 * Math.abs(rng())));
  }
  for (const sign of [1, -1]) {
    means.push(Array.from({ length: d }, (_, j) => offset + sign * (j % 2 === 0 ? 1 : -1) * distance * narrow));
    variances.push(Array.from({ length: d }, () => narrow * narrow));
  }
  return { weights: means.map(() => 1 / means.length), means, variances };
}

/** The part of the library the checks use. */
export interface PrecisionLibrary {
  GMMMachine: typeof GMMMachine;
}

const rows = (flat: Float64Array, d: number) => Array.from({ length: flat.length / d }, (_, k) => Array.from(flat.subarray(k * d, (k + 1) * d)));

function machineModel(m: GMMMachine): Model64 {
  const d = m.nFeatures;
  return { weights: Array.from(m.weights), means: rows(m.means, d), variances: rows(m.variances, d) };
}

/** Throws naming the worst element when a parameter misses its target. */
export function expectModelClose(got: Model64, want: Model64, what: string): void {
  const fail = (name: string, k: number, j: number, a: number, b: number, tol: number) => {
    throw new Error(`${what}: ${name}[${k}][${j}] = ${a}, float64 EM ${b} (|diff| ${Math.abs(a - b)} > ${tol})`);
  };
  want.weights.forEach((w, k) => {
    if (!(Math.abs(got.weights[k] - w) <= 1e-4 * w)) fail('weights', k, 0, got.weights[k], w, 1e-4 * w);
  });
  want.means.forEach((mu, k) =>
    mu.forEach((m, j) => {
      const tol = 1e-4 * Math.sqrt(want.variances[k][j]);
      if (!(Math.abs(got.means[k][j] - m) <= tol)) fail('means', k, j, got.means[k][j], m, tol);
    }),
  );
  want.variances.forEach((v, k) =>
    v.forEach((vj, j) => {
      if (!(Math.abs(got.variances[k][j] - vj) <= 1e-4 * vj)) fail('variances', k, j, got.variances[k][j], vj, 1e-4 * vj);
    }),
  );
}

/** The machine's log-likelihoods against float64 scoring of its own parameters. */
export async function expectScoresClose(m: GMMMachine, data: number[][], what: string): Promise<void> {
  const own = machineModel(m);
  const got = await m.logLikelihood(data);
  const want = logLikelihood64(data, own);
  want.forEach((ll, i) => {
    const tol = 1e-5 * Math.max(Math.abs(ll), 1) + float32InputBound(data[i], own);
    if (!(Math.abs(got[i] - ll) <= tol)) {
      throw new Error(`${what}: log-likelihood of sample ${i} = ${got[i]}, float64 ${ll} (|diff| ${Math.abs(got[i] - ll)} > ${tol})`);
    }
  });
}

/** steps ML steps from p.start on the device and in float64; every target checked. */
export async function checkMl(lib: PrecisionLibrary, p: PrecisionProblem, steps: number, what: string): Promise<void> {
  const k = p.start.weights.length;
  const m = new lib.GMMMachine(k, { weights: p.start.weights, convergenceThreshold: null, maxFittingSteps: steps, updateVariances: true, updateWeights: true });
  try {
    m.means = p.start.means;
    m.variances = p.start.variances;
    await m.fit(p.data);
    let want = p.start;
    for (let s = 0; s < steps; s++) want = mlStep64(p.data, want);
    expectModelClose(machineModel(m), want, `${what}, ${steps} ML steps`);
    await expectScoresClose(m, p.data, what);
  } finally {
    m.dispose();
  }
}

/** One MAP step (relevance factor 4, every parameter) from p.start as the UBM. */
export async function checkMap(lib: PrecisionLibrary, p: PrecisionProblem, what: string): Promise<void> {
  const k = p.start.weights.length;
  const ubm = new lib.GMMMachine(k, { weights: p.start.weights });
  ubm.means = p.start.means;
  ubm.variances = p.start.variances;
  const m = new lib.GMMMachine(k, {
    trainer: 'map', ubm, mapRelevanceFactor: 4, convergenceThreshold: null, maxFittingSteps: 1,
    updateMeans: true, updateVariances: true, updateWeights: true,
  });
  try {
    await m.fit(p.data);
    expectModelClose(machineModel(m), mapStep64(p.data, p.start, 4), `${what}, one MAP step`);
  } finally {
    m.dispose();
    ubm.dispose();
  }
}

export interface PrecisionCase {
  name: string;
  run(lib: PrecisionLibrary): Promise<void>;
}

const narrowFarProblem = () => problemFrom(narrowFar(6, 3, 1e4, 1e-3, 0, 11), 1000, 12);
const offsetProblem = () => problemFrom(narrowFar(6, 3, 30, 0.05, 1e7, 21), 300, 22);
// K * D = 1190, the size that used to take the GEMM form; 40 samples per Gaussian, so 1e3 sigma
// (at 1e4 the samples' own float32 rounding, ~3e-4 sigma each, averages to ~1e-4 only over ~1000).
const wideProblem = () => problemFrom(narrowFar(68, 17, 1e3, 1e-3, 0, 31), 40, 32);

export const precisionCases: PrecisionCase[] = [
  { name: 'precision: narrow Gaussians 1e4 sigma from the centre, 10 ML steps', run: (lib) => checkMl(lib, narrowFarProblem(), 10, 'narrow far') },
  { name: 'precision: narrow Gaussians 1e4 sigma from the centre, one MAP step', run: (lib) => checkMap(lib, narrowFarProblem(), 'narrow far') },
  { name: 'precision: data offset by 1e7, 10 ML steps', run: (lib) => checkMl(lib, offsetProblem(), 10, 'offset 1e7') },
  { name: 'precision: data offset by 1e7, one MAP step', run: (lib) => checkMap(lib, offsetProblem(), 'offset 1e7') },
  { name: 'precision: K * D = 1190 with narrow Gaussians 1e3 sigma from the centre, 10 ML steps', run: (lib) => checkMl(lib, wideProblem(), 10, 'K * D = 1190') },
];
