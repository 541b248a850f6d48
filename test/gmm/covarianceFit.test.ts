/**
 * Training full, tied and spherical models from the k-means start: each finds the mixture that
 * made the data (means within 0.1 of the truth's standard deviations, covariances within 15%
 * Frobenius on 4000 samples), nInit keeps the best start, partialFit streams, and the errors a
 * user meets name the problem: a covariance that is not positive definite, covariances of the
 * wrong shape, variances set on a non-diagonal machine.
 */
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { correlatedModel, sampleModel } from '../helpers/correlated.js';
import { type Model64, emStep64, inverse64, relativeFrobenius as frobenius } from '../helpers/covariance64.js';

const K = 3;
const D = 3;

describe.each(['full', 'tied', 'spherical'] as const)('fitting %s covariances from the k-means start', (type) => {
  const truth = correlatedModel(type, K, D, { condition: 50, offset: 10, spread: 8, seed: 31 });
  const data = sampleModel(truth, 4000, 32);
  const truthCovariances = type === 'tied' ? truth.covariances[0].flat() : type === 'spherical' ? truth.covariances.map((c) => c[0][0]) : truth.covariances.flat(2);

  test('fit recovers the mixture; gNorms are D log 2 pi + log det', async () => {
    const m = new GMMMachine(K, { covarianceType: type, updateVariances: true, updateWeights: true, maxFittingSteps: 100, nInit: 2 });
    await m.fit(data);
    // match each fitted Gaussian to the true one nearest its mean
    const order = Array.from({ length: K }, (_, c) => {
      const dist = truth.means.map((mu) => mu.reduce((s, v, j) => s + (v - m.means[c * D + j]) ** 2, 0));
      return dist.indexOf(Math.min(...dist));
    });
    expect(new Set(order).size).toBe(K);
    for (let c = 0; c < K; c++) {
      for (let j = 0; j < D; j++) {
        expect(Math.abs(m.means[c * D + j] - truth.means[order[c]][j]) / Math.sqrt(truth.covariances[order[c]][j][j])).toBeLessThan(0.1);
      }
    }
    const fitted =
      type === 'tied' ? m.covariances : type === 'spherical' ? order.map((_, c) => m.covariances[order.indexOf(c)]) : order.flatMap((_, c) => Array.from(m.covariances.subarray(order.indexOf(c) * D * D, (order.indexOf(c) + 1) * D * D)));
    expect(frobenius(fitted, truthCovariances)).toBeLessThan(0.15);
    for (let c = 0; c < K; c++) {
      const matrix = Array.from({ length: D }, (_, a) =>
        Array.from({ length: D }, (_, b) =>
          type === 'full' ? m.covariances[c * D * D + a * D + b] : type === 'tied' ? m.covariances[a * D + b] : a === b ? m.covariances[c] : 0,
        ),
      );
      expect(m.gNorms[c]).toBeCloseTo(D * Math.log(2 * Math.PI) + inverse64(matrix).logDet, 10);
    }
    m.dispose();
  });

  test('partialFit streams batches into the model', async () => {
    const m = new GMMMachine(K, { covarianceType: type, randomState: 1 });
    for (let b = 0; b < 8; b++) await m.partialFit(data.slice(b * 500, (b + 1) * 500));
    expect(m.nIter).toBe(8);
    expect(m.covariances.length).toBe(type === 'full' ? K * D * D : type === 'tied' ? D * D : K);
    expect(await m.score(data)).toBeGreaterThan(-20);
    m.dispose();
  });
});

test('a Gaussian of copies of one sample is an error naming it, with regCovar 0; regCovar > 0 trains', async () => {
  const data = [...sampleModel(correlatedModel('full', 2, 3, { condition: 5, offset: 0, spread: 10, seed: 41 }), 400, 42), ...Array(200).fill([50, 50, 100])];
  const fit = (regCovar: number) => new GMMMachine(3, { covarianceType: 'full', updateVariances: true, regCovar, maxFittingSteps: 5, convergenceThreshold: null });
  const bad = fit(0);
  await expect(bad.fit(data)).rejects.toMatchObject({ code: 'INVALID_DATA', message: expect.stringMatching(/Gaussian \d's covariance is not positive definite .* raise regCovar/) });
  bad.dispose();
  const good = fit(1e-6);
  await good.fit(data);
  expect(good.nIter).toBe(5);
  good.dispose();
});

test('covariances of the wrong shape, and variances on a full machine, are errors saying what to give', () => {
  const m = new GMMMachine(2, { covarianceType: 'full' });
  m.means = [[0, 0], [1, 1]];
  expect(() => (m.covariances = [1, 0, 0, 1])).toThrow("full covariances of 4 values do not match the means' [2, 2]: expected shape [2,2,2]");
  expect(() => (m.covariances = [[[1, 2], [2, 1]], [[1, 0], [0, 1]]])).toThrow('covariances [0] must be positive definite');
  expect(() => (m.covariances = [[[1, 0.5], [0.4, 1]], [[1, 0], [0, 1]]])).toThrow('covariances [0] must be symmetric');
  expect(() => (m.variances = [[1, 1], [1, 1]])).toThrow("a full machine's variances follow from its covariances: set covariances instead");
  m.covariances = [[[2, 0.5], [0.5, 1]], [[1, 0], [0, 1]]];
  expect(Array.from(m.variances)).toEqual([2, 1, 1, 1]);
  const s = new GMMMachine(2, { covarianceType: 'spherical' });
  expect(() => (s.covariances = [1, 2])).toThrow('spherical covariances must have shape [2] (set the means first); got 2 values');
  expect(() => new GMMMachine(2, { covarianceType: 'round' as never })).toThrow(/covarianceType/);
  m.dispose();
});

test('a Gaussian of fewer samples than features trains as in float64: round-off does not make its covariance indefinite', async () => {
  const d = 30;
  const truth = correlatedModel('full', 2, d, { condition: 20, offset: 3, spread: 6, seed: 51 });
  const few = sampleModel(correlatedModel('full', 1, d, { condition: 2, offset: 40, spread: 0, seed: 52 }), 3, 53);
  const data = [...sampleModel(truth, 600, 54), ...few];
  const eye = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? 1 : 0)));
  const centre = few[0].map((_, j) => few.reduce((s, x) => s + x[j], 0) / few.length);
  let reference: Model64 = { weights: [0.45, 0.45, 0.1], means: [...truth.means, centre.map((v) => v + 3)], covariances: [eye, eye, eye] };
  const m = new GMMMachine(3, { covarianceType: 'full', updateVariances: true, updateWeights: true, maxFittingSteps: 3, convergenceThreshold: null, weights: reference.weights });
  m.means = reference.means;
  m.covariances = reference.covariances;
  await m.fit(data);
  for (let s = 0; s < 3; s++) reference = emStep64(data, reference, 'full', 1e-6).model;
  expect(frobenius(m.covariances, reference.covariances.flat(2))).toBeLessThan(1e-4);
  const sd = Math.sqrt(Math.max(...reference.covariances.flatMap((c) => c.map((row, j) => row[j]))));
  expect(Math.max(...m.means.map((v, e) => Math.abs(v - reference.means[Math.floor(e / d)][e % d])))).toBeLessThan(1e-4 * sd);
  m.dispose();
});
