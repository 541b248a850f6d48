/**
 * Whitening and WCCN against bob.learn.em's test_linear.py (Matlab references): the mean, W and
 * a projected sample, within 1e-4 as bob checks (the Matlab references were computed from the
 * samples before their rounding to the 4 decimals the test holds: the third mean differs by
 * 1.1e-5). Exactly (1e-12): the whitened training samples have covariance I, and WCCN's
 * projected class scatter over K is I. pinv against the inverse, a singular covariance; bad input named.
 */
import { WCCN } from '../../src/machines/linear/WCCN.js';
import { Whitening } from '../../src/machines/linear/Whitening.js';
import { expectClose } from '../helpers/expectClose.js';

const data = [
  [1.2622, -1.6443, 0.1889],
  [0.4286, -0.8922, 1.302],
  [-0.6613, 0.043, 0.6377],
  [-0.8718, -0.4788, 0.3988],
  [-0.0098, -0.3121, -0.1807],
  [0.4301, 0.4886, -0.1456],
];
const sample = [[1, 2, 3]];

test("Whitening: bob's mean, W and whitened sample; the training samples come out with covariance I", () => {
  const t = new Whitening().fit(data);
  expectClose(t.inputSubtract as Float64Array, [0.096324163333333, -0.465965438333333, 0.366839091666667], 1e-4, 1e-4);
  expectClose(t.weights!, [1.608410253685985, 0, 0, 1.079813355720326, 1.411083365535711, 0, 0.693459921529905, 0.571417184139332, 1.800117179839927], 1e-4, 1e-4);
  const s = t.transform(sample);
  expect(s.shape).toEqual([1, 3]);
  expectClose(s.data, [5.942255453628436, 4.984316201643742, 4.73999818837374], 1e-4, 1e-4);
  const w = t.transform(data).data;
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      let c = 0;
      for (let i = 0; i < 6; i++) c += (w[i * 3 + a] * w[i * 3 + b]) / 5;
      expect(Math.abs(c - (a === b ? 1 : 0))).toBeLessThan(1e-12);
    }
  }
});

test("WCCN: bob's W and projected sample (classes 0, 0, 1, 1, 2, 2; labels may be strings)", () => {
  const weightRef = [15.8455444, 0, 0, -10.7946764, 2.87942129, 0, 18.76762201, -2.19719292, 2.1505817];
  for (const y of [[0, 0, 1, 1, 2, 2], ['a', 'a', 'b', 'b', 'c', 'c']]) {
    const t = new WCCN().fit(data, y);
    expect(t.inputSubtract).toBe(0);
    expectClose(t.weights!, weightRef, 1e-4, 1e-4);
    expectClose(t.transform(sample).data, [50.55905765, -0.83273618, 6.45174511], 1e-4, 1e-4);
  }
  // the within-class scatter of the projected samples, over the 3 classes, is I
  const w = new WCCN().fit(data, [0, 0, 1, 1, 2, 2]).transform(data).data;
  const scatter = new Float64Array(9);
  for (const [i, j] of [[0, 1], [2, 3], [4, 5]]) {
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) scatter[a * 3 + b] += (((w[i * 3 + a] - w[j * 3 + a]) / 2) * ((w[i * 3 + b] - w[j * 3 + b]) / 2) * 2) / 3;
  }
  expectClose(scatter, [1, 0, 0, 0, 1, 0, 0, 0, 1], 0, 1e-9);
});

test('pinv: true equals the inverse on a regular covariance; a singular covariance is an error that says so, with pinv too', () => {
  expectClose(new Whitening({ pinv: true }).fit(data).weights!, new Whitening().fit(data).weights!, 1e-10, 1e-12);
  expectClose(new WCCN({ pinv: true }).fit(data, [0, 0, 1, 1, 2, 2]).weights!, new WCCN().fit(data, [0, 0, 1, 1, 2, 2]).weights!, 1e-10, 1e-12);
  const flat = [[1, 2, 0], [2, 1, 0], [3, 5, 0], [0, 1, 0]];
  expect(() => new Whitening().fit(flat)).toThrow('Whitening: the covariance of the samples is singular (not positive definite): give more samples, or pinv: true');
  expect(() => new Whitening({ pinv: true }).fit(flat)).toThrow(/pseudo-inverse is singular too/);
  expect(() => new WCCN().fit(data, [0, 1])).toThrow('WCCN.fit: y must hold one class per sample (6); got 2');
  expect(() => new Whitening().transform(sample)).toThrow('Whitening: fit it (or set its weights) before transform');
  expect(() => new Whitening().fit(data).transform([[1, 2]])).toThrow('X has 2 features; the projection takes 3');
  expect(() => new Whitening({ pinV: true } as never)).toThrow('unknown option(s) pinV; valid: pinv');
});
