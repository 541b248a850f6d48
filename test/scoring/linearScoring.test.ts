/**
 * linearScoring against bob.learn.em's test_linearscoring.py (its Matlab reference scores, to
 * 1e-7 as bob checks), for models given as machines, as means, one at a time, with and without
 * channel offsets and frame-length normalisation; a MAP machine stands for its UBM; full and
 * tied UBMs against a float64 evaluation with explicit inverses; bad input named.
 */
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { linearScoring } from '../../src/scoring/linearScoring.js';
import { expectClose } from '../helpers/expectClose.js';
import { inverse64 } from '../helpers/covariance64.js';

function machine(means: number[][], variances: number[][]): GMMMachine {
  const m = new GMMMachine(2, { weights: [0.5, 0.5] });
  m.means = means;
  m.variances = variances;
  return m;
}

function stats(sumPx: number[][], n: number[]): GMMStats {
  const s = new GMMStats(2, 2);
  s.sumPx = sumPx.flat();
  s.n = Float64Array.from(n);
  s.t = n[0] + n[1];
  return s;
}

const ubm = machine([[3, 70], [4, 72]], [[1, 10], [2, 5]]);
ubm.varianceThresholds = 0;
const model1 = machine([[1, 2], [3, 4]], [[9, 10], [11, 12]]);
const model2 = machine([[5, 6], [7, 8]], [[13, 14], [15, 16]]);
const tests = [stats([[1, 2], [3, 4]], [1, 2]), stats([[5, 6], [7, 8]], [3, 4]), stats([[5, 6], [7, 3]], [3, 4])];
const offsets = [[[9, 8], [7, 6]], [[5, 4], [3, 2]], [[1, 0], [1, 2]]];

// bob's reference scores (Idiap's Matlab implementation), [models, tests]
const ref00 = [2372.9, 5207.7, 5275.7, 2215.7, 4868.1, 4932.1];
const ref01 = [790.9666666666667, 743.9571428571428, 753.6714285714285, 738.5666666666667, 695.4428571428572, 704.5857142857144];
const ref10 = [2615.5, 5434.1, 5392.5, 2381.5, 4999.3, 5022.5];
const ref11 = [871.8333333333332, 776.3000000000001, 770.3571428571427, 793.8333333333333, 714.1857142857143, 717.5];

const within = (actual: Float64Array, expected: number[]) => expectClose(actual, expected, 0, 1e-7);

test.each([
  ['machines', () => [model1, model2]],
  ['means [M, C, D]', () => [model1.means, model2.means].map((m) => [Array.from(m.subarray(0, 2)), Array.from(m.subarray(2, 4))])],
  ['flat means', () => Float64Array.from([...model1.means, ...model2.means])],
] as const)('models as %s: bob\'s four reference score matrices (1e-7)', (_what, models) => {
  within(linearScoring(models(), ubm, tests), ref00);
  within(linearScoring(models(), ubm, tests, { frameLengthNormalization: true }), ref01);
  within(linearScoring(models(), ubm, tests, { channelOffsets: offsets }), ref10);
  within(linearScoring(models(), ubm, tests, { channelOffsets: offsets, frameLengthNormalization: true }), ref11);
});

test('one model and one test at a time, the test\'s offsets [C, D]: bob\'s single scores', () => {
  [model1, model2].forEach((m, i) =>
    tests.forEach((s, t) => {
      within(linearScoring([m], ubm, s, { channelOffsets: offsets[t] }), [ref10[i * 3 + t]]);
      within(linearScoring(m.means, ubm, s, { channelOffsets: offsets[t], frameLengthNormalization: true }), [ref11[i * 3 + t]]);
    }),
  );
});

test('a MAP machine is scored against its UBM, as bob does; statistics held about their own centres score alike', () => {
  const map = new GMMMachine(2, { trainer: 'map', ubm });
  within(linearScoring([model1, model2], map, tests), ref00);
  const centred = tests.map((s) => s.clone().recentre(Float64Array.from([3, 70, 4, 72])));
  within(linearScoring([model1, model2], ubm, centred), ref00);
  const empty = new GMMStats(2, 2);
  expect(Array.from(linearScoring([model1], ubm, empty, { frameLengthNormalization: true }))).toEqual([0]);
});

test.each(['full', 'tied'] as const)('a %s UBM: sum_c (m_c - mu_c)^T Sigma_c^-1 (F_c - N_c mu_c), against explicit float64 inverses', (type) => {
  const covariances = [
    [[2, 0.6, 0.1], [0.6, 1, -0.3], [0.1, -0.3, 3]],
    [[1, -0.4, 0], [-0.4, 2, 0.5], [0, 0.5, 1.5]],
  ];
  const g = new GMMMachine(2, { covarianceType: type, weights: [0.4, 0.6] });
  g.means = [[1, 2, 3], [-1, 0, 2]];
  g.covariances = type === 'full' ? covariances : covariances[0];
  const models = [[[1.5, 2, 2.5], [-1, 0.5, 2]], [[0, 2, 3], [-2, 0, 1]]];
  const s = new GMMStats(2, 3, type);
  s.n = Float64Array.from([3, 5]);
  s.t = 8;
  s.sumPx = [4, 5, 9, -6, 1, 11];
  const expected = models.map((m) =>
    [0, 1].reduce((total, c) => {
      const inv = inverse64(type === 'full' ? covariances[c] : covariances[0]).inverse;
      const a = m[c].map((v, j) => v - g.means[c * 3 + j]);
      const b = [0, 1, 2].map((j) => s.sumPx[c * 3 + j] - s.n[c] * g.means[c * 3 + j]);
      return total + a.reduce((acc, ai, j) => acc + ai * inv[j].reduce((x, pjk, k) => x + pjk * b[k], 0), 0);
    }, 0),
  );
  expectClose(linearScoring(models, g, [s]), expected, 1e-12, 1e-12);
  g.dispose();
});

test('bad input is an error that names it', () => {
  expect(() => linearScoring([model1], ubm, [new GMMStats(3, 2)])).toThrow("linearScoring: test 0's statistics are [3,2]; the UBM is [2, 2]");
  expect(() => linearScoring([1, 2, 3], ubm, tests)).toThrow('linearScoring: models must be GMMMachines or finite means of shape [models, 2, 2] (got 3 values)');
  expect(() => linearScoring([model1], ubm, tests, { channelOffsets: [1, 2, 3] })).toThrow('linearScoring: channelOffsets has 3 values; expected [3, 2, 2] or [2, 2]');
  expect(() => linearScoring([model1], new GMMMachine(2), tests)).toThrow('linearScoring: the UBM has no means yet');
});
