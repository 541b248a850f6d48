import * as tf from '@tensorflow/tfjs-core';
import { KMeansInit, KMeansMachine } from '../src/machines/KMeansMachine.js';
import { Random } from '../src/math/random.js';
import { TfjsEmError } from '../src/errors.js';
import { expectClose } from './helpers/expectClose.js';

const INITS: KMeansInit[] = ['random', 'k-means++', 'k-means||'];

/** A standard normal draw from our seeded generator (Box-Muller). */
function normal(rng: Random): number {
  const u1 = 1 - rng.random(); // (0, 1]
  const u2 = rng.random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** n samples of N(mean, diag(std^2)) per centre, cluster after cluster, row-major. */
function gaussianBlobs(centres: number[][], std: number[], n: number, seed: number) {
  const rng = new Random(seed);
  const d = std.length;
  const data = new Float64Array(centres.length * n * d);
  const truth = new Int32Array(centres.length * n);
  centres.forEach((c, k) => {
    for (let i = 0; i < n; i++) {
      const row = k * n + i;
      truth[row] = k;
      for (let j = 0; j < d; j++) data[row * d + j] = c[j] + std[j] * normal(rng);
    }
  });
  return { x: { data, shape: [centres.length * n, d] as [number, number] }, truth };
}

/** bob's test data: 2000 samples of N(-1, I3) and 2000 of N(+1, I3). */
const twoBlobs = gaussianBlobs([[-1, -1, -1], [1, 1, 1]], [1, 1, 1], 2000, 42);

function rowsOf(flat: Float64Array, d: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length; i += d) out.push(Array.from(flat.subarray(i, i + d)));
  return out;
}

async function errorOf(f: () => unknown): Promise<TfjsEmError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(TfjsEmError);
    return e as TfjsEmError;
  }
  throw new Error('expected a TfjsEmError, nothing was thrown');
}

describe('KMeansMachine: bob literal checks', () => {
  test('variances and weights per cluster for centroids [[1.2,1.3],[0.2,-0.3]] (rtol 1e-5, atol 1e-7: float32 device, 8-digit reference)', async () => {
    const km = new KMeansMachine(2);
    km.centroids = [[1.2, 1.3], [0.2, -0.3]];
    const data = [[1, 1], [1.2, 3], [0, 0], [0.3, 0.2], [0.2, 0]];
    const { variances, weights } = await km.getVariancesAndWeightsForEachCluster(data);
    expectClose(variances, [0.01, 1.0, 0.01555556, 0.00888889], 1e-5, 1e-7);
    expectClose(weights, [0.4, 0.6], 1e-12);
  });

  test('distances of [3,70,1] to means [[3,70,0],[4,72,0]] are 1 and 6 (rtol 1e-6); labels of [[3,70,1],[5,72,0]] are [0,1]', async () => {
    const km = new KMeansMachine(2);
    km.centroids = [[3, 70, 0], [4, 72, 0]];
    const t = await km.transform([3, 70, 1]);
    expect(t.shape).toEqual([2, 1]);
    expectClose(t.data, [1, 6], 1e-6);
    expect(Array.from(await km.predict([[3, 70, 1], [5, 72, 0]]))).toEqual([0, 1]);
  });

  test.each(INITS)(
    "2000 + 2000 samples of N(-1, I3), N(+1, I3), init '%s': centroids within 0.1 of -1 and +1 (bob: ~[-1.07,-1.06,-1.01], [0.99,1.00,0.98])",
    async (initMethod) => {
      const km = new KMeansMachine(2, { initMethod });
      await km.fit(twoBlobs.x);
      const c = rowsOf(km.centroids, 3).sort((a, b) => a[0] - b[0]);
      expectClose(c[0], [-1, -1, -1], 0, 0.1);
      expectClose(c[1], [1, 1, 1], 0, 0.1);
      expect(km.nIter).toBeGreaterThanOrEqual(1);
      expect(km.nIter).toBeLessThanOrEqual(km.maxIter);
      // Each centroid is the mean of the samples closest to it (up to the last m-step), so
      // predictions agree with the generating cluster for the vast majority of the samples.
      const labels = await km.predict(twoBlobs.x);
      const low = km.centroids[0] < km.centroids[3] ? 0 : 1;
      let agree = 0;
      labels.forEach((l, i) => (agree += Number((l === low ? 0 : 1) === twoBlobs.truth[i])));
      expect(agree / labels.length).toBeGreaterThan(0.9);
    },
  );
});

describe('KMeansMachine: fitting', () => {
  test.each(INITS)("init '%s': the same seed gives identical centroids twice", async (initMethod) => {
    const a = await new KMeansMachine(3, { initMethod, randomState: 7 }).fit(twoBlobs.x);
    const b = await new KMeansMachine(3, { initMethod, randomState: 7 }).fit(twoBlobs.x);
    expect(a.equals(b)).toBe(true);
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    expect(a.averageMinDistance).toBe(b.averageMinDistance);
  });

  test("init 'random': different seeds give different centroids (maxIter 1, so the start shows)", async () => {
    const a = await new KMeansMachine(4, { initMethod: 'random', randomState: 1, maxIter: 1 }).fit(twoBlobs.x);
    const b = await new KMeansMachine(4, { initMethod: 'random', randomState: 2, maxIter: 1 }).fit(twoBlobs.x);
    expect(a.equals(b)).toBe(false);
  });

  test('maxIter 1 stops after one step; an infinite threshold stops at the second (the first check)', async () => {
    const one = await new KMeansMachine(2, { maxIter: 1 }).fit(twoBlobs.x);
    expect(one.nIter).toBe(1);
    const two = await new KMeansMachine(2, { convergenceThreshold: 1e300 }).fit(twoBlobs.x);
    expect(two.nIter).toBe(2);
    const capped = await new KMeansMachine(5, { convergenceThreshold: 0, maxIter: 3, initMethod: 'random' }).fit(twoBlobs.x);
    expect(capped.nIter).toBeLessThanOrEqual(3);
  });

  test('averageMinDistance is the mean squared distance to the closest of the centroids the last e-step used (rtol 1e-5)', async () => {
    const km = await new KMeansMachine(2).fit(twoBlobs.x);
    const start = km.centroids;
    const again = await new KMeansMachine(2, { initMethod: rowsOf(start, 3), maxIter: 1 }).fit(twoBlobs.x);
    const { data } = twoBlobs.x;
    let sum = 0;
    for (let i = 0; i < data.length / 3; i++) {
      let best = Infinity;
      for (let k = 0; k < 2; k++) {
        let s = 0;
        for (let j = 0; j < 3; j++) s += (data[i * 3 + j] - start[k * 3 + j]) ** 2;
        best = Math.min(best, s);
      }
      sum += best;
    }
    expectClose(again.averageMinDistance, sum / (data.length / 3), 1e-5);
  });

  test('given centroids: an empty cluster keeps its centroid, gets weight 0 and variance 0 (variances rtol 1e-5)', async () => {
    const data = [[0, 0], [0.5, 0], [0, 1], [1, 1]];
    const km = await new KMeansMachine(2, { initMethod: [[0.2, 0.3], [100, 100]] }).fit(data);
    // atol 1e-5: the shift (mean of the centroids, ~50) is far from the data, so the
    // float32 centred samples carry ~50 * 2^-24 of rounding.
    expectClose(km.centroids, [0.375, 0.5, 100, 100], 0, 1e-5);
    const { variances, weights } = await km.getVariancesAndWeightsForEachCluster(data);
    expectClose(weights, [1, 0], 1e-12);
    expectClose(variances, [0.171875, 0.25, 0, 0], 1e-5);
  });

  test('small chunks (97 rows: 42 chunks, the last one partial) and tensor input agree with the default chunking, same start (rtol 1e-5, atol 1e-5)', async () => {
    const start = { initMethod: [[-0.5, 0, 0], [0.5, 0, 0], [0, 0.5, 0.5]], maxIter: 5 };
    const a = await new KMeansMachine(3, start).fit(twoBlobs.x);
    const b = await new KMeansMachine(3, { ...start, chunkSize: 97 }).fit(twoBlobs.x);
    expect(b.isSimilarTo(a, 1e-5, 1e-5)).toBe(true);
    const t = tf.tensor2d(Float32Array.from(twoBlobs.x.data), twoBlobs.x.shape, 'float32');
    const c = await new KMeansMachine(3, start).fit(t);
    t.dispose();
    expect(c.isSimilarTo(a, 1e-5, 1e-5)).toBe(true);
  });

  test('equals / isSimilarTo compare cluster count, features and centroids', () => {
    const a = new KMeansMachine(2);
    const b = new KMeansMachine(2);
    expect(a.equals(b)).toBe(true);
    a.centroids = [[1, 2], [3, 4]];
    expect(a.equals(b)).toBe(false);
    b.centroids = new Float64Array([1, 2, 3, 4 + 1e-9]);
    expect(a.equals(b)).toBe(false);
    expect(a.isSimilarTo(b)).toBe(true);
    expect(a.isSimilarTo(b, 0, 0)).toBe(false);
    expect(b.nFeatures).toBe(2);
  });
});

describe('KMeansMachine: transform and predict', () => {
  test('transform has shape [K, N] and matches float64 distances (rtol 1e-5, atol 1e-4)', async () => {
    const km = new KMeansMachine(3);
    const c = [[0.5, -1, 2], [3, 3, 3], [-2, 0, 1]];
    km.centroids = c;
    const x = rowsOf(twoBlobs.x.data.subarray(0, 30 * 3), 3);
    const t = await km.transform(x);
    expect(t.shape).toEqual([3, 30]);
    const expected = new Float64Array(90);
    for (let k = 0; k < 3; k++) for (let i = 0; i < 30; i++) {
      expected[k * 30 + i] = x[i].reduce((s, v, j) => s + (v - c[k][j]) ** 2, 0);
    }
    expectClose(t.data, expected, 1e-5, 1e-4);
  });

  test('predict: ties go to the lowest index (equidistant centroids and duplicated centroids)', async () => {
    const km = new KMeansMachine(2);
    km.centroids = [[2, 0], [0, 0]];
    expect(Array.from(await km.predict([[1, 0], [1, 5], [3, 0], [-1, 0]]))).toEqual([0, 0, 0, 1]);
    const dup = new KMeansMachine(3);
    dup.centroids = [[5, 5], [1, 1], [1, 1]];
    expect(Array.from(await dup.predict([[1, 1], [2, 2], [5, 5]]))).toEqual([1, 1, 0]);
  });

  test('predict: ties between indices 1 and 33 of 40 centroids go to 1 (webgpu argMin would not promise it)', async () => {
    // 19 others at (0, 100) and 19 at (0, -100): the shift (mean of the centroids) is 0 and
    // the float32 distances to centroids 1 and 33 are exactly equal.
    const c = Array.from({ length: 40 }, (_, i) => [0, i < 20 ? 100 : -100]);
    c[1] = [1, 0];
    c[33] = [-1, 0];
    const km = new KMeansMachine(40);
    km.centroids = c;
    expect(Array.from(await km.predict([[0, 0], [0, 0.5], [0, -0.5], [-0.9, 0]]))).toEqual([1, 1, 1, 33]);
  });
});

describe('KMeansMachine: initialisation edge cases', () => {
  const three = [[0, 0], [5, 0], [0, 5]];
  const repeated = Array.from({ length: 30 }, (_, i) => three[i % 3]);

  test.each(INITS)("init '%s': 3 distinct points repeated 10 times, 3 clusters: the centroids are the 3 points (atol 1e-5)", async (initMethod) => {
    const km = await new KMeansMachine(3, { initMethod }).fit(repeated);
    const c = rowsOf(km.centroids, 2).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expectClose(c.flat(), [0, 0, 0, 5, 5, 0], 0, 1e-5);
  });

  test.each(INITS)("init '%s': as many clusters as samples, with duplicated samples, fits", async (initMethod) => {
    const km = await new KMeansMachine(4, { initMethod }).fit([[0, 0], [0, 0], [1, 1], [2, 2]]);
    expect(km.nIter).toBeGreaterThanOrEqual(1);
    expect(km.averageMinDistance).toBeCloseTo(0, 6);
  });

  test("init 'k-means||' with 0 rounds (1 candidate) tops up with random samples; with many rounds it reduces", async () => {
    const few = await new KMeansMachine(2, { initMaxIter: 0 }).fit(twoBlobs.x);
    const many = await new KMeansMachine(2, { initMaxIter: 5, oversamplingFactor: 10 }).fit(twoBlobs.x);
    for (const km of [few, many]) {
      const c = rowsOf(km.centroids, 3).sort((a, b) => a[0] - b[0]);
      expectClose(c[0], [-1, -1, -1], 0, 0.1);
      expectClose(c[1], [1, 1, 1], 0, 0.1);
    }
  });
});

describe("KMeansMachine: the 'k-means||' start finds well-separated clusters", () => {
  // 12 blobs in 8-D, 10 sigma apart, one holding 1 % of 3000 samples: every seed must find all of
  // them (the reduction of the candidates is greedy weighted k-means++ and Lloyd to convergence,
  // kept from 5 draws; a plain k-means++ reduction merged blobs for some seeds).
  const rng = new Random(3);
  const centres = Array.from({ length: 12 }, (_, c) => Array.from({ length: 8 }, (_, j) => (j === c % 8 ? 12 : 0) + (c >= 8 && j === (c + 3) % 8 ? 12 : 0) + 0.1 * normal(rng)));
  const sizes = centres.map((_, c) => (c === 11 ? 30 : 270));
  const rows: number[][] = [];
  const truth: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < sizes[k]; i++) {
      rows.push(c.map((v) => v + normal(rng)));
      truth.push(k);
    }
  });

  test.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])('seed %i: one centroid per blob', async (randomState) => {
    const km = await new KMeansMachine(12, { randomState }).fit(rows);
    const labels = await km.predict(rows);
    // every blob maps to one cluster, and no two blobs to the same one
    const clusterOf = centres.map((_, k) => new Set(truth.flatMap((t, i) => (t === k ? [labels[i]] : []))));
    expect(clusterOf.map((s) => s.size)).toEqual(centres.map(() => 1));
    expect(new Set(clusterOf.map((s) => [...s][0])).size).toBe(12);
  });
});

describe('KMeansMachine: float32 cancellation', () => {
  test('data offset by 1e4 with spread 1e-2: variances to 1e-4 relative, centroids to 1e-6 absolute vs float64', async () => {
    const centres = [[1e4, 1e4], [1e4 + 1, 1e4], [1e4, 1e4 + 1]];
    const { x, truth } = gaussianBlobs(centres, [0.01, 0.02], 300, 5);
    const km = await new KMeansMachine(3, { initMethod: 'k-means++' }).fit(x);
    const labels = await km.predict(x);
    // The clusters are 50 spreads apart: the labelling is the generating one, up to a permutation.
    const perm = [labels[0], labels[300], labels[600]];
    expect(new Set(perm).size).toBe(3);
    labels.forEach((l, i) => expect(l).toBe(perm[truth[i]]));
    // float64 two-pass reference per cluster.
    const mean = new Float64Array(6);
    const variance = new Float64Array(6);
    for (let i = 0; i < 900; i++) for (let j = 0; j < 2; j++) mean[labels[i] * 2 + j] += x.data[i * 2 + j] / 300;
    for (let i = 0; i < 900; i++) for (let j = 0; j < 2; j++) {
      variance[labels[i] * 2 + j] += (x.data[i * 2 + j] - mean[labels[i] * 2 + j]) ** 2 / 300;
    }
    expectClose(km.centroids, mean, 0, 1e-6);
    const { variances, weights } = await km.getVariancesAndWeightsForEachCluster(x);
    expectClose(variances, variance, 1e-4);
    expectClose(weights, [1 / 3, 1 / 3, 1 / 3], 1e-12);
  });
});

describe('KMeansMachine: errors', () => {
  test('more clusters than samples: INVALID_DATA naming both counts', async () => {
    const e = await errorOf(() => new KMeansMachine(5).fit([[1, 2], [3, 4], [5, 6]]));
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toMatch(/5/);
    expect(e.message).toMatch(/3/);
  });

  test('feature count mismatch on predict, transform, variances and given centroids: SHAPE_MISMATCH', async () => {
    const km = new KMeansMachine(2);
    km.centroids = [[0, 0], [1, 1]];
    expect((await errorOf(() => km.predict([[1, 2, 3]]))).code).toBe('SHAPE_MISMATCH');
    expect((await errorOf(() => km.transform([[1, 2, 3]]))).code).toBe('SHAPE_MISMATCH');
    expect((await errorOf(() => km.getVariancesAndWeightsForEachCluster([[1, 2, 3]]))).code).toBe('SHAPE_MISMATCH');
    const given = new KMeansMachine(2, { initMethod: [[0, 0], [1, 1]] });
    expect((await errorOf(() => given.fit([[1, 2, 3], [4, 5, 6]]))).code).toBe('SHAPE_MISMATCH');
    expect((await errorOf(() => (km.centroids = new Float64Array(3)))).code).toBe('SHAPE_MISMATCH');
  });

  test('centroids before fit or set: NOT_INITIALIZED', async () => {
    const km = new KMeansMachine(2);
    expect((await errorOf(() => km.centroids)).code).toBe('NOT_INITIALIZED');
    expect((await errorOf(() => km.predict([[1, 2]]))).code).toBe('NOT_INITIALIZED');
  });

  test('bad options: INVALID_ARGUMENT', async () => {
    const bad: Array<() => unknown> = [
      () => new KMeansMachine(0),
      () => new KMeansMachine(2.5),
      () => new KMeansMachine(2, { maxIter: 0 }),
      () => new KMeansMachine(2, { initMaxIter: -1 }),
      () => new KMeansMachine(2, { convergenceThreshold: -1 }),
      () => new KMeansMachine(2, { convergenceThreshold: NaN }),
      () => new KMeansMachine(2, { oversamplingFactor: 0 }),
      () => new KMeansMachine(2, { randomState: 0.5 }),
      () => new KMeansMachine(2, { chunkSize: 0 }),
      () => new KMeansMachine(2, { initMethod: 'kmeans' as KMeansInit }),
      () => new KMeansMachine(2, { initMethod: [[0, 0]] }),
      () => new KMeansMachine(2, { initMethod: [[0, 0], [1, NaN]] }),
    ];
    for (const f of bad) expect((await errorOf(f)).code).toBe('INVALID_ARGUMENT');
    const km = new KMeansMachine(2);
    km.maxIter = -3;
    expect((await errorOf(() => km.fit([[1], [2]]))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('KMeansMachine: device memory', () => {
  test.each(INITS)("init '%s': fit, transform, predict, variances and dispose leave tf.memory().numTensors unchanged", async (initMethod) => {
    const before = tf.memory().numTensors;
    const km = new KMeansMachine(3, { initMethod, chunkSize: 500 });
    await km.fit(twoBlobs.x);
    await km.transform(twoBlobs.x);
    await km.predict(twoBlobs.x);
    await km.getVariancesAndWeightsForEachCluster(twoBlobs.x);
    km.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('a failing call leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const km = new KMeansMachine(2);
    km.centroids = [[0, 0], [1, 1]];
    await errorOf(() => km.predict([[1, 2, 3]]));
    expect(tf.memory().numTensors).toBe(before);
  });
});
