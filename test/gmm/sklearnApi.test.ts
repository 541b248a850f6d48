/**
 * The model API scikit-learn users expect, against Debian's scikit-learn (GaussianMixture, diag)
 * given the same parameters: scoreSamples within 1e-6 of max(|ll|, 1), predictProba within 1e-6
 * absolute (float32 log-likelihood differences on the device; rows sum to 1 in float64), predict
 * equal, bic and aic within 1e-6 relative. Then sample, nInit and lowerBound.
 */
import { execFileSync } from 'node:child_process';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { expectClose } from '../helpers/expectClose.js';
import { Random } from '../../src/math/random.js';
import { gaussian } from '../helpers/synthetic.js';

const PYTHON = '/usr/bin/python3';
const K = 3;
const D = 4;
const model = {
  weights: [0.5, 0.3, 0.2],
  means: [[0, 0, 0, 0], [3, 1, -2, 0.5], [-2, 4, 1, 1]],
  variances: [[1, 0.5, 2, 1], [0.3, 1, 1, 0.8], [2, 2, 0.5, 1.5]],
};
const rng = new Random(17);
const rows = Array.from({ length: 500 }, (_, i) => model.means[i % K].map((m, j) => m + Math.sqrt(model.variances[i % K][j]) * gaussian(rng) * 1.3));

interface Reference {
  scoreSamples: number[];
  predictProba: number[][];
  predict: number[];
  bic: number;
  aic: number;
}

function sklearn(): Reference {
  const script = `
import json, sys
import numpy as np
from sklearn.mixture import GaussianMixture
p = json.loads(sys.stdin.read())
x = np.array(p['x'])
gm = GaussianMixture(${K}, covariance_type='diag')
gm.weights_ = np.array(p['weights'])
gm.means_ = np.array(p['means'])
gm.covariances_ = np.array(p['variances'])
gm.precisions_cholesky_ = 1 / np.sqrt(gm.covariances_)
print(json.dumps({'scoreSamples': gm.score_samples(x).tolist(), 'predictProba': gm.predict_proba(x).tolist(),
                  'predict': gm.predict(x).tolist(), 'bic': gm.bic(x), 'aic': gm.aic(x)}))`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify({ x: rows, ...model }), encoding: 'utf8' }));
}

function machine(): GMMMachine {
  const m = new GMMMachine(K, { weights: model.weights });
  m.means = model.means;
  m.variances = model.variances;
  return m;
}

describe("GMMMachine against scikit-learn's GaussianMixture with the same parameters", () => {
  const ref = sklearn();
  const m = machine();
  afterAll(() => m.dispose());

  test('scoreSamples (score_samples) and score', async () => {
    const ll = await m.scoreSamples(rows);
    ref.scoreSamples.forEach((want, i) => expectClose(ll[i], want, 0, 1e-6 * Math.max(Math.abs(want), 1)));
    expectClose(await m.score(rows), ref.scoreSamples.reduce((s, v) => s + v, 0) / rows.length, 1e-6);
  });

  test('predictProba (predict_proba): [n, K], rows summing to 1; predict (predict)', async () => {
    const { data, shape } = await m.predictProba(rows);
    expect(shape).toEqual([rows.length, K]);
    expectClose(data, ref.predictProba.flat(), 0, 1e-6);
    for (let i = 0; i < rows.length; i++) expectClose(data[i * K] + data[i * K + 1] + data[i * K + 2], 1, 1e-12);
    expect(Array.from(await m.predict(rows))).toEqual(ref.predict);
  });

  test('bic and aic (2 K D + K - 1 free parameters)', async () => {
    expectClose(await m.bic(rows), ref.bic, 1e-6);
    expectClose(await m.aic(rows), ref.aic, 1e-6);
  });
});

describe('sample, nInit and lowerBound', () => {
  test('sample: n draws of the mixture, their Gaussians, the same for the same randomState', () => {
    const m = machine();
    const { data, shape, labels } = m.sample(30000, { randomState: 5 });
    expect(shape).toEqual([30000, D]);
    for (let c = 0; c < K; c++) {
      const own = Array.from(labels.keys()).filter((i) => labels[i] === c);
      expectClose(own.length / 30000, model.weights[c], 0, 0.015); // 3 binomial standard deviations
      for (let j = 0; j < D; j++) {
        const values = own.map((i) => data[i * D + j]);
        const mean = values.reduce((s, v) => s + v, 0) / values.length;
        const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
        expectClose(mean, model.means[c][j], 0, 4 * Math.sqrt(model.variances[c][j] / values.length));
        expectClose(variance, model.variances[c][j], 0.06);
      }
    }
    expect(m.sample(10, { randomState: 5 }).data).toEqual(data.subarray(0, 10 * D));
    expect(m.sample(10, { randomState: 6 }).data).not.toEqual(data.subarray(0, 10 * D));
    expect(() => m.sample(0)).toThrow(/positive integer/);
    m.dispose();
  });

  test('nInit: the best of the starts randomState, randomState + 1, ...; onStep says which start runs; lowerBound is the last step', async () => {
    // two touching blobs and a far one: some k-means starts end in a worse optimum
    const data = [...rows, ...rows.slice(0, 100).map((r) => r.map((v) => v + 0.8))];
    const fitted = async (nInit: number, randomState: number) => {
      const m = new GMMMachine(4, { nInit, randomState, updateVariances: true, updateWeights: true, maxFittingSteps: 30 });
      const starts = new Set<number | undefined>();
      let last = NaN;
      await m.fit(data, { onStep: (s) => (starts.add(s.start), (last = s.averageLogLikelihood)), onWarning: () => {} });
      const result = { lowerBound: m.lowerBound!, starts, last, params: m.params() };
      m.dispose();
      return result;
    };
    const singles = await Promise.all([0, 1, 2, 3].map((seed) => fitted(1, seed)));
    const best = await fitted(4, 0);
    expect(best.starts).toEqual(new Set([1, 2, 3, 4]));
    expect(best.lowerBound).toBe(Math.max(...singles.map((s) => s.lowerBound)));
    const winner = singles.find((s) => s.lowerBound === best.lowerBound)!;
    expect(best.params).toEqual(winner.params);
    expect(singles[0].lowerBound).toBe(singles[0].last);
    expect(singles[0].starts).toEqual(new Set([undefined]));
  });

  test('nInit > 1 on a machine that already has means is refused', async () => {
    const m = machine();
    m.nInit = 3;
    await expect(m.fit(rows)).rejects.toThrow(/nInit 3 needs the k-means start: this machine already has means/);
    m.dispose();
  });
});

describe('partialFit: stepwise EM over a stream', () => {
  /** n rows of a 4-Gaussian mixture in 5-D (rows depend on the seed only). */
  const stream = (n: number, seed: number) => {
    const r = new Random(seed);
    const centres = [[0, 0, 0, 0, 0], [4, 0, 2, 0, -2], [0, 4, -2, 2, 0], [-4, -3, 0, -2, 2]];
    const data = new Float64Array(n * 5);
    for (let i = 0; i < n; i++) {
      const c = r.weightedIndex([0.4, 0.3, 0.2, 0.1]);
      for (let j = 0; j < 5; j++) data[i * 5 + j] = centres[c][j] + (0.5 + 0.25 * j) * gaussian(r);
    }
    return { data, shape: [n, 5] as [number, number] };
  };

  test('1e5 rows in batches of 1e4: held-out average log-likelihood within 1e-2 of batch EM on all the rows', async () => {
    // (bench/partialFit.mjs streams 2e6 rows)
    const train = stream(100_000, 1);
    const heldOut = stream(20_000, 2);
    const online = new GMMMachine(4, { updateVariances: true, updateWeights: true });
    for (let start = 0; start < 100_000; start += 10_000) {
      await online.partialFit({ data: train.data.subarray(start * 5, (start + 10_000) * 5), shape: [10_000, 5] });
    }
    expect(online.nIter).toBe(10);
    const batch = new GMMMachine(4, { updateVariances: true, updateWeights: true, maxFittingSteps: 25 });
    await batch.fit(train);
    const [got, want] = [await online.score(heldOut), await batch.score(heldOut)];
    expect(Math.abs(got - want)).toBeLessThan(1e-2);
    online.dispose();
    batch.dispose();
  });

  test('partialFit refuses a MAP machine; stepExponent is checked', async () => {
    const ubm = new GMMMachine(1);
    ubm.means = [[0]];
    ubm.variances = [[1]];
    await expect(new GMMMachine(1, { trainer: 'map', ubm }).partialFit([[0], [1]])).rejects.toThrow(/partialFit trains by maximum likelihood/);
    expect(() => new GMMMachine(1, { stepExponent: 0.5 })).toThrow(/stepExponent must be a finite number > 0.5/);
    ubm.dispose();
  });
});
