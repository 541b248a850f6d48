/**
 * Full, tied and spherical covariances against a float64 EM (test/helpers/covariance64.ts) on
 * held-out data: correlated features, condition numbers up to 1e6, means 1e3 from 0. After
 * 10 ML steps from the same start: means within 1e-4 of the reference's standard deviation
 * along the feature, covariances within 1e-4 relative (Frobenius), per-sample scores on
 * held-out samples within 1e-5 of max(|ll|, 1) at condition number 1e2, within 1.5e-4 at 1e6.
 * The second is float32's own limit, not the method's: a sample's float32 coordinates, of the
 * size of the widest standard deviation, carry 6e-8 of it, which whitening divides by the
 * narrowest; 6e-8 sqrt(1e6) = 6e-5 per whitened coordinate (measured on cpu, scoring the true
 * model alone: 4.6e-5 full, 8.3e-5 tied; 2.4e-5 at 1e4; 1.5e-6 at 1e2).
 */
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { type Model64, type Type, emStep64, mapStep64, scores64 } from '../helpers/covariance64.js';
import { expectClose } from '../helpers/expectClose.js';
import { correlatedModel, sampleModel } from '../helpers/correlated.js';

const STEPS = 10;
const REG = 1e-6;

function start(truth: Model64, type: Type): Model64 {
  // the truth's weights, means moved by a tenth of a unit, unit (tied: pooled) covariances scaled
  const d = truth.means[0].length;
  const eye = (s: number) => Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? s : 0)));
  return {
    weights: truth.weights,
    means: truth.means.map((m) => m.map((v, j) => v + 0.1 * ((j % 3) - 1))),
    covariances: truth.covariances.map(() => eye(type === 'spherical' ? 0.7 : 0.5)),
  };
}

function machineOf(g: Model64, type: Type): GMMMachine {
  const k = g.weights.length;
  const m = new GMMMachine(k, {
    covarianceType: type,
    updateVariances: true,
    updateWeights: true,
    maxFittingSteps: STEPS,
    convergenceThreshold: null,
    regCovar: type === 'full' || type === 'tied' ? REG : 0,
    weights: g.weights,
  });
  m.varianceThresholds = 0;
  m.means = g.means;
  const d = g.means[0].length;
  m.covariances =
    type === 'full' ? g.covariances : type === 'tied' ? g.covariances[0] : type === 'spherical' ? g.covariances.map((c) => c[0][0]) : g.covariances.map((c) => c.map((row, j) => row[j]));
  expect(m.covariances.length).toBe(type === 'full' ? k * d * d : type === 'tied' ? d * d : type === 'spherical' ? k : k * d);
  return m;
}

const frobenius = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff / norm);
};

const CASES = (['full', 'tied', 'spherical'] as const).flatMap((type) => [
  { type, condition: 1e2, scores: 1e-5 },
  { type, condition: 1e6, scores: 1.5e-4 },
]);

describe.each(CASES)('$type covariances, condition number $condition, against a float64 EM', ({ type, condition, scores }) => {
  const k = 3;
  const d = 4;
  const truth = correlatedModel(type, k, d, { condition, offset: 1e3, spread: 3, seed: 5 });
  const train = sampleModel(truth, 600, 11);
  const heldOut = sampleModel(truth, 200, 12);

  test(`${STEPS} ML steps: means, covariances and held-out scores`, async () => {
    let reference = start(truth, type);
    const machine = machineOf(reference, type);
    for (let s = 0; s < STEPS; s++) reference = emStep64(train, reference, type, type === 'spherical' ? 0 : REG).model;
    await machine.fit(train);
    expect(machine.nIter).toBe(STEPS);

    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        const sigma = Math.sqrt(reference.covariances[c][j][j]);
        expect(Math.abs(machine.means[c * d + j] - reference.means[c][j]) / sigma).toBeLessThan(1e-4);
      }
    }
    const referenceCovariances =
      type === 'tied' ? reference.covariances[0].flat() : type === 'spherical' ? reference.covariances.map((m) => m[0][0]) : reference.covariances.flat(2);
    expect(frobenius(machine.covariances, referenceCovariances)).toBeLessThan(1e-4);

    const expected = scores64(heldOut, reference);
    const actual = await machine.scoreSamples(heldOut);
    const worst = Math.max(...expected.map((e, i) => Math.abs(actual[i] - e) / Math.max(Math.abs(e), 1)));
    expect(worst).toBeLessThan(scores);
    machine.dispose();
  });
});

describe.each(['full', 'tied', 'spherical'] as const)('MAP adaptation of %s covariances against a float64 MAP', (type) => {
  const k = 3;
  const d = 3;
  test('3 steps of Reynolds adaptation (relevance factor 4) of every parameter', async () => {
    const ubm64 = correlatedModel(type, k, d, { condition: 1e3, offset: 50, spread: 3, seed: 21 });
    const shifted = { ...ubm64, means: ubm64.means.map((m) => m.map((v, j) => v + 0.4 * (j - 1))) };
    const data = sampleModel(shifted, 300, 22);
    const ubm = machineOf(ubm64, type);
    const map = new GMMMachine(k, {
      trainer: 'map',
      ubm,
      mapRelevanceFactor: 4,
      updateMeans: true,
      updateVariances: true,
      updateWeights: true,
      maxFittingSteps: 3,
      convergenceThreshold: null,
      regCovar: type === 'spherical' ? 0 : REG,
    });
    map.varianceThresholds = 0;
    expect(map.covarianceType).toBe(type);
    let reference = ubm64;
    for (let s = 0; s < 3; s++) reference = mapStep64(data, reference, ubm64, type, 4, type === 'spherical' ? 0 : REG);
    await map.fit(data);
    expectClose(map.weights, reference.weights, 0, 1e-6);
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) expectClose(map.means[c * d + j], reference.means[c][j], 0, 1e-4 * Math.sqrt(reference.covariances[c][j][j]));
    }
    const referenceCovariances =
      type === 'tied' ? reference.covariances[0].flat() : type === 'spherical' ? reference.covariances.map((m) => m[0][0]) : reference.covariances.flat(2);
    expect(frobenius(map.covariances, referenceCovariances)).toBeLessThan(1e-4);
    map.dispose();
    ubm.dispose();
  });

  test('the UBM sets the type; another type is refused', () => {
    const ubm = machineOf(correlatedModel(type, k, d, { condition: 10, offset: 0, spread: 3, seed: 2 }), type);
    expect(new GMMMachine(k, { trainer: 'map', ubm }).covarianceType).toBe(type);
    const other = type === 'full' ? 'diag' : 'full';
    expect(() => new GMMMachine(k, { trainer: 'map', ubm, covarianceType: other })).toThrow(`The UBM has ${type} covariances; a machine adapted from it has the same, not ${other}.`);
    ubm.dispose();
  });
});
