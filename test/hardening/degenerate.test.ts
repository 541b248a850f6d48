/**
 * Degenerate training: ML EM (means, variances and weights updated), from a k-means start and
 * from a given start, on data with an empty Gaussian, a constant feature, duplicate samples,
 * an offset of 1e6 and a scale of 1e-6. Each fit must end with finite parameters, weights >= 0
 * summing to 1, variances at or above their floors, and an average log-likelihood that never
 * falls from one step to the next by more than float32 noise: 1e-6 relative to its magnitude
 * (EM never lowers the likelihood; a well-conditioned float32 e-step measures it to ~1e-7
 * relative), and every step's average log-likelihood must agree with a float64 evaluation of the
 * parameters it was measured on (test/helpers/float64Gmm.ts) within 1e-5 relative; the sum of the
 * weights must be 1 within 1e-6 (float32 sums of responsibilities).
 *
 * Floors: varianceThresholds = 1e-4 x the data's variance (over all features), so that they scale
 * with the data. Under the default floor (EPSILON), copies of one row and lone outliers make
 * Gaussians narrower than float32 resolves: see narrow.test.ts.
 */
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import type { GaussianParams } from '../../src/math/gmm/params.js';
import { KMeansMachine } from '../../src/machines/KMeansMachine.js';
import { logSumExp64, logWeightedLikelihood64, rows } from '../helpers/float64Gmm.js';
import { expectClose } from '../helpers/expectClose.js';
import { blobs, givenMachine, mlMachine } from './helpers.js';

const STEPS = 15;
const MAX_RELATIVE_DROP = 1e-6;

type Data = { data: Float64Array; shape: [number, number] };

/** Two blobs of 60 samples in 2-D. */
const base = blobs([[0, 0], [5, 3]], 60, 1, 11);

function mapData(x: Data, f: (v: number, row: number, col: number) => number): Data {
  const d = x.shape[1];
  return { data: x.data.map((v, i) => f(v, Math.floor(i / d), i % d)), shape: x.shape };
}

function withRows(x: Data, rows: number[][]): Data {
  return { data: Float64Array.of(...x.data, ...rows.flat()), shape: [x.shape[0] + rows.length, x.shape[1]] };
}

/** The variance of all the data's values around their mean: the scale of the floors. */
function overallVariance(x: Data): number {
  const mean = x.data.reduce((s, v) => s + v, 0) / x.data.length;
  return x.data.reduce((s, v) => s + (v - mean) ** 2, 0) / x.data.length;
}

/** The average log-likelihood of x under the parameters, in float64 on the host. */
function average64(p: GaussianParams, x: Data): number {
  const d = x.shape[1];
  const g = { weights: Array.from(p.weights), means: rows(p.means, d), variances: rows(p.variances, d) };
  return rows(x.data, d).reduce((s, row) => s + logSumExp64(logWeightedLikelihood64(row, g)), 0) / x.shape[0];
}

/** Fits (starting by k-means if m has no means), recording each step's log-likelihood, the parameters it measured and the warnings. */
async function fitRecorded(m: GMMMachine, x: Data): Promise<{ trajectory: number[]; measured: GaussianParams[]; warnings: string[] }> {
  if (!m.isInitialized) await m.initializeGaussians(x);
  const models = [m.params()];
  const trajectory: number[] = [];
  const warnings: string[] = [];
  await m.fit(x, { onStep: (s) => (trajectory.push(s.averageLogLikelihood), models.push(m.params())), onWarning: (w) => warnings.push(w.code) });
  return { trajectory, measured: models.slice(0, -1), warnings };
}

/**
 * Fits and checks every invariant of the file's header. Floors of 1e-4 x the data's variance are
 * no spikes: no warning, even where a constant feature leaves variances on them.
 */
async function fitAndCheck(m: GMMMachine, x: Data, floor: number): Promise<void> {
  m.varianceThresholds = floor;
  const { trajectory, measured, warnings } = await fitRecorded(m, x);
  expect(warnings).toEqual([]);
  expect(trajectory).toHaveLength(STEPS);
  for (const v of [...m.means, ...m.variances, ...m.weights, ...trajectory]) expect(Number.isFinite(v)).toBe(true);
  for (const v of m.variances) expect(v).toBeGreaterThanOrEqual(floor);
  for (const w of m.weights) expect(w).toBeGreaterThanOrEqual(0);
  expect(Math.abs(m.weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThanOrEqual(1e-6);
  const drops = trajectory.slice(1).map((ll, i) => ({ step: i + 2, from: trajectory[i], to: ll }))
    .filter(({ from, to }) => to < from - MAX_RELATIVE_DROP * Math.abs(from));
  expect(drops).toEqual([]);
  expectClose(trajectory, measured.map((p) => average64(p, x)), 1e-5);
  m.dispose();
}

const kmeansStart = () => mlMachine(3, { maxFittingSteps: STEPS, convergenceThreshold: null });

const cases: [string, Data, number[][]][] = [
  // the constant feature is 7: its variance is 0 in every cluster, so every variance of it sits on the floor
  ['a feature with zero variance', mapData(base, (v, _, c) => (c === 1 ? 7 : v)), [[0.5, 7], [5, 7], [2, 7]]],
  // 40 copies of one point: k-means gives them a cluster of variance 0, a Gaussian on the floor 4-5
  // standard deviations from the e-step's shift (the weighted centre of the means)
  ['duplicate samples', withRows(base, Array.from({ length: 40 }, () => [2, 8])), [[0.5, 0], [5, 3], [2, 7.5]]],
  ['data offset by 1e6', mapData(base, (v) => v + 1e6), [[1e6 + 0.5, 1e6], [1e6 + 5, 1e6 + 3], [1e6 + 2, 1e6 + 2]]],
  ['data scaled by 1e-6', mapData(base, (v) => v * 1e-6), [[0.5e-6, 0], [5e-6, 3e-6], [2e-6, 2e-6]]],
];

describe.each(cases)('ML training on %s (3 Gaussians, floors 1e-4 x data variance)', (_, x, start) => {
  const floor = 1e-4 * overallVariance(x);

  test('from a k-means start', async () => {
    await fitAndCheck(kmeansStart(), x, floor);
  });

  test('from a given start (unit-scale variances scaled like the data)', async () => {
    const scale = overallVariance(x) / overallVariance(base);
    const m = givenMachine(start, start.map((r) => r.map(() => scale)), { maxFittingSteps: STEPS, convergenceThreshold: null });
    await fitAndCheck(m, x, floor);
  });
});

describe('a Gaussian with zero responsibility (floors 1e-4 x data variance)', () => {
  const floor = 1e-4 * overallVariance(base);

  test('given start: a third Gaussian 1e3 away from all data gets no responsibility; training goes on', async () => {
    const m = givenMachine([[0.5, 0], [5, 3], [1e3, 1e3]], [[1, 1], [1, 1], [1, 1]], { maxFittingSteps: STEPS, convergenceThreshold: null });
    await fitAndCheck(m, base, floor);
  });

  test('k-means start with an empty cluster (a given centroid 1e3 away): weight 0, variances on the floor; training goes on', async () => {
    const kMeansTrainer = new KMeansMachine(3, { initMethod: [[0, 0], [5, 3], [1e3, 1e3]], maxIter: 3 });
    const m = mlMachine(3, { maxFittingSteps: STEPS, convergenceThreshold: null, kMeansTrainer });
    m.varianceThresholds = floor;
    await m.initializeGaussians(base);
    expect(m.weights[2]).toBe(0);
    expect(Array.from(m.variances.subarray(4))).toEqual([floor, floor]);
    await fitAndCheck(m, base, floor);
  });
});
