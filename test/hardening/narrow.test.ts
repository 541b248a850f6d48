/**
 * Gaussians narrower than float32 resolves at their place (a dead Gaussian on bob's floor, a
 * lone outlier's cluster, duplicate rows): where bob's float64 EM trains, the device trains and
 * agrees with it on every Gaussian that holds responsibility, and a narrow Gaussian that holds
 * no sample, or only samples at its own centre, costs nothing. Where a narrow Gaussian holds
 * samples that float32 sees apart (a spread below float32's resolution there), the fit stops
 * with PRECISION naming the Gaussian and the floor that would resolve it.
 *
 * Tolerances (see expectBobsTraining): means within 1e-4 sigma plus float32's ulp at their place,
 * variances and weights 1e-4 relative, each step's average log-likelihood 1e-5 relative to bob's
 * float64 EM (test/helpers/float64Gmm.ts) plus 1/128 nat per feature of each narrow Gaussian's sample.
 */
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { KMeansMachine } from '../../src/machines/KMeansMachine.js';
import type { TfjsEmWarning } from '../../src/warnings.js';
import { EPSILON } from '../../src/math/constants.js';
import { centreOfMeans } from '../../src/math/gmm/params.js';
import { eStep64, mlStep64, rows, type Gmm64 } from '../helpers/float64Gmm.js';
import { expectClose } from '../helpers/expectClose.js';
import { blobs, expectEmError, mlMachine } from './helpers.js';

type Data = { data: Float64Array; shape: [number, number] };

function withRows(x: Data, extra: number[][]): Data {
  return { data: Float64Array.of(...x.data, ...extra.flat()), shape: [x.shape[0] + extra.length, x.shape[1]] };
}

function model64(m: GMMMachine): Gmm64 {
  const d = m.nFeatures;
  return { weights: Array.from(m.weights), means: rows(m.means, d), variances: rows(m.variances, d) };
}

/** bob's ML EM in float64 (floor and threshold EPSILON): each step's average log-likelihood, and the last model. */
function bob(x: Data, start: Gmm64, steps: number): { trajectory: number[]; model: Gmm64 } {
  const data = rows(x.data, x.shape[1]);
  let model = start;
  const trajectory: number[] = [];
  for (let s = 0; s < steps; s++) {
    const stats = eStep64(data, model);
    trajectory.push(stats.logLikelihood / stats.t);
    model = mlStep64(stats, EPSILON, EPSILON);
  }
  return { trajectory, model };
}

/**
 * bob's k-means start for the partition k-means found: float64 means, variances (on bob's floor)
 * and weights of each cluster's members. A lone sample's mean is that sample exactly, as in bob.
 */
async function bobsStart(kmeans: KMeansMachine, x: Data): Promise<Gmm64> {
  const labels = await kmeans.predict(x);
  const data = rows(x.data, x.shape[1]);
  const members = (k: number) => data.filter((_, i) => labels[i] === k);
  const means = Array.from({ length: kmeans.nClusters }, (_, k) => {
    const m = members(k);
    return m[0].map((_, j) => m.reduce((s, r) => s + r[j], 0) / m.length);
  });
  return {
    weights: means.map((_, k) => members(k).length / data.length),
    means,
    variances: means.map((mu, k) => mu.map((u, j) => Math.max(EPSILON, members(k).reduce((s, r) => s + (r[j] - u) ** 2, 0) / members(k).length))),
  };
}

/**
 * Trains `steps` ML steps from m's current parameters and checks them against bob's float64 EM
 * from `start` (default: m's parameters). float32 knows a sample and a mean only to an ulp at
 * their distance from the model's centre (2^-23 |mean - centre|): means are compared within
 * 1e-4 sigma plus that, and each sample held by a Gaussian narrower than float32 resolves adds
 * up to 1/128 nat per feature to the average log-likelihood (see RESOLUTION).
 */
async function expectBobsTraining(m: GMMMachine, x: Data, steps: number, start = model64(m)): Promise<GMMMachine> {
  const [n, d] = x.shape;
  const reference = bob(x, start, steps);
  const trajectory: number[] = [];
  m.maxFittingSteps = steps;
  m.convergenceThreshold = null;
  await m.fit(x, { onStep: (s) => trajectory.push(s.averageLogLikelihood), onWarning: () => {} });
  const want = reference.model;
  const flat = (rows: number[][]) => Float64Array.from(rows.flat());
  const centre = centreOfMeans({ weights: Float64Array.from(want.weights), means: flat(want.means), variances: flat(want.variances) });
  const narrowSamples = want.weights.reduce((s, w, k) => (want.variances[k].some((v, j) => v < (2 ** -20 * (want.means[k][j] - centre[j])) ** 2) ? s + w * n : s), 0);
  expectClose(trajectory, reference.trajectory, 1e-5, (narrowSamples * d) / 128 / n);
  const got = model64(m);
  for (let k = 0; k < m.nGaussians; k++) {
    if (!(want.weights[k] * n >= 1e-3)) continue; // holds no sample
    expectClose(got.weights[k], want.weights[k], 1e-4);
    expectClose(got.variances[k], want.variances[k], 1e-4);
    want.means[k].forEach((mu, j) => expectClose(got.means[k][j], mu, 0, 1e-4 * Math.sqrt(want.variances[k][j]) + 2 ** -23 * Math.abs(mu - centre[j])));
  }
  return m;
}

/** k-means then bob's ML from the same partition. */
async function expectBobsKMeansTraining(x: Data, steps: number): Promise<void> {
  const kmeans = new KMeansMachine(3);
  const m = mlMachine(3, { kMeansTrainer: kmeans });
  await m.initializeGaussians(x);
  await expectBobsTraining(m, x, steps, await bobsStart(kmeans, x));
  m.dispose();
  kmeans.dispose();
}

/** 300 samples in 3-D around (1, 1, 1) and (4, 2, 1). */
const base = blobs([[1, 1, 1], [4, 2, 1]], 150, 1, 5);

describe('narrow Gaussians train as bob trains them', () => {
  test("a dead Gaussian (bob's start after one step: weight ~1e-19, mean 0, variance 2.2e-16) costs nothing", async () => {
    // One float64 step from a start whose third Gaussian lies far from the data leaves it dead, as bob writes it.
    const far = bob(base, { weights: [0.4, 0.4, 0.2], means: [[1, 1, 1], [4, 2, 1], [1e3, 1e3, 1e3]], variances: [[1, 1, 1], [1, 1, 1], [1, 1, 1]] }, 1);
    const start = mlStep64(eStep64(rows(base.data, 3), far.model), EPSILON, EPSILON);
    expect(start.weights[2]).toBeLessThan(1e-17);
    expect(start.variances[2]).toEqual([EPSILON, EPSILON, EPSILON]);
    const m = mlMachine(3);
    m.means = start.means;
    m.variances = start.variances;
    m.weights = start.weights.map((w) => w / start.weights.reduce((s, v) => s + v, 0));
    await expectBobsTraining(m, base, 10);
    m.dispose();
  });

  test('k-means then ML on 300 rows and one outlier at (40, 40, 40): the outlier keeps its own Gaussian', async () => {
    const x = withRows(base, [[40, 40, 40]]);
    await expectBobsKMeansTraining(x, 10);
    // Scoring agrees with training: the outlier's log-likelihood under its own Gaussian is float64's.
    const m = mlMachine(3);
    m.means = [[1, 1, 1], [4, 2, 1], [40, 40, 40]];
    m.variances = [[1, 1, 1], [1, 1, 1], [EPSILON, EPSILON, EPSILON]];
    m.weights = [150 / 301, 150 / 301, 1 / 301];
    const ll = await m.logLikelihood([[40, 40, 40]]);
    expectClose(ll[0], Math.log(1 / 301) - 1.5 * Math.log(2 * Math.PI * EPSILON), 1e-6);
    m.dispose();
  });

  test('k-means then ML on 300 rows and one outlier at 1e6: no floor advice needed', async () => {
    await expectBobsKMeansTraining(withRows(base, [[1e6, 1e6, 1e6]]), 10);
  });

  test("copies of one row under the default floor: their Gaussian keeps them, at bob's log-likelihood", async () => {
    await expectBobsKMeansTraining(withRows(base, Array.from({ length: 40 }, () => [2, 8, 1])), 10);
  });
});

describe('a fit warns where Gaussians end as spikes', () => {
  const constant = { data: base.data.map((v, i) => (i % 3 === 2 ? 7 : v)), shape: base.shape };

  test("a constant feature under bob's floor: VARIANCE_AT_FLOOR naming it and what the floor does", async () => {
    const warnings: TfjsEmWarning[] = [];
    const m = mlMachine(2, { maxFittingSteps: 5 });
    await m.fit(constant, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([{ code: 'VARIANCE_AT_FLOOR', message: expect.stringMatching(/feature\(s\) 2 .*floor 2\.22e-16.*0\.001 away from that value scores 2250000000 lower.*Raise varianceThresholds/) }]);
    // What the warning says: a sample 0.001 off the constant scores ~2.25e9 lower than one on it.
    const [on, off] = await m.logLikelihood([[2, 1, 7], [2, 1, 7.001]]);
    expectClose(on - off, 0.5 * 1e-6 / EPSILON, 1e-3);
    m.dispose();
  });

  test('no warning where the floor is a sizeable share of the spread, or for data that fill every Gaussian', async () => {
    const warnings: TfjsEmWarning[] = [];
    for (const [x, floor] of [[constant, 1e-4], [base, EPSILON]] as const) {
      const m = mlMachine(2, { maxFittingSteps: 5 });
      m.varianceThresholds = floor;
      await m.fit(x, { onWarning: (w) => warnings.push(w) });
      m.dispose();
    }
    expect(warnings).toEqual([]);
  });
});

describe('what float32 cannot train says so', () => {
  test('an outlier at 1e30: INVALID_DATA naming its row, not a floor of 3.6e45', async () => {
    const x = withRows(base, [[1e30, 1e30, 1e30]]);
    const m = mlMachine(3, { maxFittingSteps: 3 });
    await expectEmError(() => m.fit(x), 'INVALID_DATA', 'row 300, column 0', '1e+30', 'remove or rescale that row');
    m.dispose();
  });

  test('a cluster whose spread float32 cannot measure at its place: PRECISION with the floor that resolves it', async () => {
    // 200 rows at 1e3 + N(0, 1e-4^2) in feature 0, beside data near 0: float32 holds values 6.1e-5 apart
    // there, and the variance 1e-8 is below what it resolves (4.8e-4)^2: its estimate would be rounding noise.
    const tight = blobs([[1e3, 0, 0]], 200, 1, 9);
    for (let i = 0; i < tight.data.length; i += 3) tight.data[i] = 1e3 + (tight.data[i] - 1e3) * 1e-4;
    const x = { data: Float64Array.of(...base.data, ...tight.data), shape: [500, 3] as [number, number] };
    const m = mlMachine(3, { maxFittingSteps: 5 });
    await expectEmError(() => m.fit(x), 'PRECISION', 'Gaussian', 'feature 0', 'varianceThresholds', 'at least');
    m.dispose();
  });
});
