/**
 * IVectorMachine against bob.learn.em's test_ivector.py: a projection (C++ reference, 1e-7),
 * two EM steps with and without Sigma's update against the accumulators, T and Sigma of
 * ivector_ref_*step*.hdf5 (1e-5, as bob checks), a 25-step fit from numpy's seed-0 start (1e-4,
 * as bob), and the fit of ivector_fit_data.hdf5 projected on ivector_test_data.hdf5 against
 * ivector_results.hdf5 (1e-5); the statistics of the last two come from the float32 device
 * (1e-6 relative), the rest are float64 throughout. Then the additivity that distributed runs
 * need, the seeded start, and errors.
 */
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { IVectorMachine } from '../../src/machines/IVectorMachine.js';
import { addAccumulators } from '../../src/math/ivector.js';
import { expectClose } from '../helpers/expectClose.js';
import { readArray, readDataset } from '../helpers/reference.js';

/** np.random.seed(0); np.random.normal(0, 1, (2, 3, 2)): bob's start of T in its fit tests. */
const NUMPY_SEED0_T = [
  1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675, -0.977277879876411,
  0.9500884175255894, -0.1513572082976979, -0.10321885179355784, 0.41059850193837233, 0.144043571160878, 1.454273506962975,
];
const T0 = [[[1, 2], [4, 1], [0, 3]], [[5, 8], [7, 10], [11, 1]]];

function ubmOf(means: number[][], variances: number[][], weights = [0.5, 0.5]): GMMMachine {
  const ubm = new GMMMachine(2, { weights });
  ubm.means = means;
  ubm.variances = variances;
  return ubm;
}

const ubm = () => ubmOf([[1, 7, 4], [4, 5, 3]], [[0.5, 1, 1.5], [1, 1.5, 2]], [0.4, 0.6]);

function stats(t: number, n: number[], sumPx: number[][], sumPxx: number[][]): GMMStats {
  const s = new GMMStats(2, 3);
  s.t = t;
  s.n = Float64Array.from(n);
  s.sumPx = sumPx.flat();
  s.sumPxx = sumPxx.flat();
  return s;
}

/**
 * bob's two training statistics, set field by field: they are made-up numbers (sumPxx below
 * sumPx^2 / n), which GMMStats.fromHDF5 refuses as statistics of no samples.
 */
const trainingStats = () =>
  Promise.all(
    ['ivector_gs1.hdf5', 'ivector_gs2.hdf5'].map(async (f) => {
      const field = async (name: string) => (await readDataset(f, name)).data;
      const s = new GMMStats(2, 3);
      [s.t, s.n, s.sumPx, s.sumPxx] = [(await field('T'))[0], await field('n'), await field('sumPx'), await field('sumPxx')];
      return s;
    }),
  );

test("project: bob's C++ reference i-vector (1e-7)", () => {
  const m = new IVectorMachine(ubm(), { dimT: 2 });
  m.T = T0;
  m.sigma = [[1, 2, 1], [3, 2, 4]];
  const s = stats(1, [0.4, 0.6], [[1, 2, 3], [2, 4, 3]], [[10, 20, 30], [40, 50, 60]]);
  expectClose(m.project(s), [-0.04213415, 0.21463343], 0, 1e-7);
});

test('what a projection derives from T and sigma follows them: set again, the machine projects as a new one', () => {
  const s = stats(1, [0.4, 0.6], [[1, 2, 3], [2, 4, 3]], [[10, 20, 30], [40, 50, 60]]);
  const m = new IVectorMachine(ubm(), { dimT: 2 });
  [m.T, m.sigma] = [T0, [[1, 2, 1], [3, 2, 4]]];
  const first = m.project(s);
  m.T = T0.map((rows) => rows.map((row) => row.map((v) => 2 * v)));
  m.sigma = [[2, 1, 1], [1, 2, 3]];
  const fresh = new IVectorMachine(ubm(), { dimT: 2 });
  [fresh.T, fresh.sigma] = [m.T!, m.sigma!];
  expect(Array.from(m.project(s))).toEqual(Array.from(fresh.project(s)));
  expect(Array.from(m.project(s))).not.toEqual(Array.from(first));
});

test("transform of a sample's device statistics: bob's reference (1e-6)", async () => {
  const u = ubmOf([[1, 7, 4], [4, 5, 3]], [[0.5, 1, 1.5], [1, 1.5, 2]]);
  const m = new IVectorMachine(u, { dimT: 2 });
  m.T = T0;
  m.sigma = u.variances;
  const [s] = await u.transform([[[1, 2, 3]]]);
  expectClose(m.transform([s])[0], [0.02774721, -0.35237828], 0, 1e-6);
  u.dispose();
});

describe.each([
  ['without', false, 'ivector_ref_nosigma_step'],
  ['with', true, 'ivector_ref_step'],
] as const)("two EM steps %s Sigma's update: bob's accumulators, T and Sigma (1e-5)", (_what, updateSigma, prefix) => {
  test('each step', async () => {
    const m = new IVectorMachine(ubm(), { dimT: 2, updateSigma, varianceFloor: 1e-5 });
    m.T = T0;
    const sigma0 = [1, 2, 1, 3, 2, 4];
    m.sigma = sigma0;
    const data = await trainingStats();
    for (let step = 1; step <= 2; step++) {
      const file = `${prefix}${step}.hdf5`;
      const ref = async (name: string) => (await readDataset(file, name)).data;
      const acc = m.eStep(data);
      expectClose(acc.nijSigmaWij2, await ref('nij_sigma_wij2'), 0, 1e-5);
      expectClose(acc.fnormSigmaWij, await ref('fnorm_sigma_wij'), 0, 1e-5);
      expectClose(acc.snormij, await ref('snormij'), 0, 1e-5);
      expectClose(acc.nij, await ref('nij'), 0, 1e-5);
      m.mStep(acc);
      expectClose(m.T!, await ref('T'), 0, 1e-5);
      if (updateSigma) expectClose(m.sigma!, await ref('sigma'), 0, 1e-5);
      else expect(Array.from(m.sigma!)).toEqual(sigma0);
    }
  });
});

test("fit, 25 steps from numpy's seed-0 start: bob's projection of a test utterance (1e-4, as bob)", async () => {
  const u = ubmOf([[1, 2, 3], [6, 7, 8]], [[1, 1, 1], [1, 1, 1]]);
  const m = new IVectorMachine(u, { dimT: 2 });
  m.T = NUMPY_SEED0_T;
  m.sigma = u.variances;
  m.fit(await trainingStats());
  const test = stats(1, [0.5, 0.5], [[8, 0, 4], [6, 6, 6]], [[10, 20, 30], [60, 70, 80]]);
  expectClose(m.project(test), [0.9423437, -0.61558459], 0, 1e-4);
});

test('fit on ivector_fit_data (per-sample device statistics), 2 steps: ivector_results on the test data (1e-5)', async () => {
  const u = ubm();
  const rows = async (file: string) => {
    const a = await readArray(file);
    return Array.from({ length: a.shape[0] }, (_, i) => [Array.from(a.data.subarray(i * 3, (i + 1) * 3))]);
  };
  const m = new IVectorMachine(u, { dimT: 2, maxIterations: 2 });
  m.T = NUMPY_SEED0_T;
  m.sigma = u.variances;
  m.fit(await u.transform(await rows('ivector_fit_data.hdf5')));
  const result = m.transform(await u.transform(await rows('ivector_test_data.hdf5')));
  expectClose(result.flatMap((v) => Array.from(v)), (await readArray('ivector_results.hdf5')).data, 0, 1e-5);
  u.dispose();
});

test('the e-step adds across shards; fit without T starts from a seeded normal T and the UBM variances', async () => {
  const data = await trainingStats();
  const m = new IVectorMachine(ubm(), { dimT: 2 });
  m.T = T0;
  m.sigma = [1, 2, 1, 3, 2, 4];
  const whole = m.eStep(data);
  const parts = addAccumulators(m.eStep([data[0]]), m.eStep([data[1]]));
  for (const key of ['nijSigmaWij2', 'fnormSigmaWij', 'snormij', 'nij'] as const) expectClose(parts[key], whole[key], 1e-14, 1e-14);
  const fresh = () => new IVectorMachine(ubm(), { dimT: 3, maxIterations: 0, randomState: 7 }).fit(data);
  expect(fresh().T).toEqual(fresh().T);
  expect(Array.from(fresh().sigma!)).toEqual([0.5, 1, 1.5, 1, 1.5, 2]);
  expect(new IVectorMachine(ubm(), { dimT: 3, maxIterations: 0, randomState: 8 }).fit(data).T).not.toEqual(fresh().T);
});

test('bad input is an error that names it', () => {
  const u = ubm();
  expect(() => new IVectorMachine(u, { dimT: 0 })).toThrow('IVectorMachine: dimT must be a positive integer; got 0');
  expect(() => new IVectorMachine(u, { rank: 2 } as never)).toThrow('IVectorMachine: unknown option(s) rank; valid: dimT, updateSigma, varianceFloor, maxIterations, randomState');
  const m = new IVectorMachine(u);
  expect(() => (m.T = [1, 2, 3])).toThrow('IVectorMachine: T must have shape [2, 3, 2] (12 values); got 3');
  expect(() => (m.sigma = [1, 2, 1, 3, 0, 4])).toThrow('IVectorMachine: sigma must be > 0; value 4 is 0');
  expect(() => m.project(new GMMStats(2, 3))).toThrow('IVectorMachine: set T and sigma, or fit, first');
  expect(() => m.fit([new GMMStats(3, 3)])).toThrow('IVectorMachine: statistics 0 are [3,3]; the UBM is [2, 3]');
  expect(() => new IVectorMachine(new GMMMachine(2))).toThrow('IVectorMachine: the UBM must be a GMMMachine with means');
});
