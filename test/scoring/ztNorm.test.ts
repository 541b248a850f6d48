/**
 * zNorm, tNorm and ztNorm against bob.learn.em 2.x's test_ztnorm.py: its literal ZT-norm
 * result with a same-speaker mask (1e-7, as bob checks), the 26 x 2730 score set of
 * ztnorm_*.hdf5 against ztnorm_result.hdf5 (1e-7), Z- and T-norm against the test's own numpy
 * formulas, the empty cohorts that turn ZT-norm into Z- or T-norm, and bad shapes named.
 */
import { tNorm, zNorm, ztNorm } from '../../src/math/ztNorm.js';
import { readArray } from '../helpers/reference.js';
import { expectClose } from '../helpers/expectClose.js';

const A = [[1, 2, 3, 4, 5], [6, 7, 8, 9, 8], [7, 6, 5, 4, 3]];
const B = [[5, 4, 7, 8], [9, 8, 7, 4], [5, 6, 3, 2]];
const C = [[5, 4, 3, 2, 1], [2, 1, 2, 3, 4]];
const D = [[8, 6, 4, 2], [0, 2, 4, 6]];

/** bob's test formulas (numpy): each row of a by row statistics of b. */
function znormPy(a: number[][], b: number[][]): number[] {
  return a.flatMap((row, i) => {
    const mean = b[i].reduce((s, v) => s + v, 0) / b[i].length;
    const std = b[i].length > 1 ? Math.sqrt(b[i].reduce((s, v) => s + (v - mean) ** 2, 0) / (b[i].length - 1)) : 1;
    return row.map((v) => (v - mean) / std);
  });
}

function tnormPy(a: number[][], c: number[][]): number[] {
  const t = (m: number[][]) => m[0].map((_, j) => m.map((row) => row[j]));
  const normalised = znormPy(t(a), t(c));
  const [rows, columns] = [a.length, a[0].length];
  return Array.from({ length: rows * columns }, (_, e) => normalised[(e % columns) * rows + Math.floor(e / columns)]);
}

test("ZT-norm with a same-speaker mask: bob's literal result (1e-7)", () => {
  const znormIds = [1, 2, 3, 4];
  const tnormIds = [1, 5];
  const mask = tnormIds.map((t) => znormIds.map((z) => t === z));
  const expected = [
    -4.45473107e+0, -3.29289322e+0, -1.50519101e+1, -8.42086557e-1, 6.46544511e-3,
    -8.27619927e-1, 7.07106781e-1, 1.13757710e+1, 2.01641412e+0, 7.63765080e-1,
    2.52913570e+0, 2.70710678e+0, 1.24400233e+1, 7.07106781e-1, 6.46544511e-3,
  ];
  const scores = ztNorm(A, B, C, D, mask);
  expect(scores.shape).toEqual([3, 5]);
  expectClose(scores.data, expected, 0, 1e-7);
});

test("ZT-norm of bob's 26 x 2730 scores equals ztnorm_result.hdf5 (1e-7); Z- and T-norm equal bob's formulas", async () => {
  const [a, b, c, d, result] = await Promise.all(['eval_eval', 'znorm_eval', 'eval_tnorm', 'znorm_tnorm', 'result'].map((f) => readArray(`ztnorm_${f}.hdf5`)));
  const m = (x: typeof a) => ({ data: x.data, shape: [x.shape[0], x.shape[1]] as [number, number] });
  const scores = ztNorm(m(a), m(b), m(c), m(d));
  expect(scores.shape).toEqual([26, 2730]);
  expectClose(scores.data, result.data, 0, 1e-7);
  const rows = (x: typeof a) => Array.from({ length: x.shape[0] }, (_, i) => Array.from(x.data.subarray(i * x.shape[1], (i + 1) * x.shape[1])));
  expectClose(tNorm(m(a), m(c)).data, tnormPy(rows(a), rows(c)), 0, 1e-7);
  expectClose(zNorm(m(a), m(b)).data, znormPy(rows(a), rows(b)), 0, 1e-7);
});

test('empty cohorts: ztNorm without B and D is tNorm, without C and D is zNorm', () => {
  expectClose(tNorm(A, C).data, tnormPy(A, C), 0, 1e-12);
  expectClose(ztNorm(A, [], C, []).data, tnormPy(A, C), 0, 1e-12);
  expectClose(zNorm(A, B).data, znormPy(A, B), 0, 1e-12);
  expectClose(ztNorm(A, B, [], []).data, znormPy(A, B), 0, 1e-12);
  // one cohort score: no spread, a deviation of 1 (bob's rule); equal scores likewise
  expectClose(zNorm([[3, 4]], [[2]]).data, [1, 2], 0, 0);
  expectClose(tNorm([[3, 4]], [[1, 1], [1, 1]]).data, [2, 3], 0, 0);
});

test('bad shapes and values are errors that name them', () => {
  expect(() => zNorm(A, [[1, 2]])).toThrow('B has 1 rows; A has 3 (one per model)');
  expect(() => tNorm(A, [[1, 2]])).toThrow('C has 2 columns; A has 5 (one per probe)');
  expect(() => ztNorm(A, B, C, [[1, 2]])).toThrow('D has shape [1,2]; expected [2, 4] (T cohort x Z cohort)');
  expect(() => ztNorm(A, B, C, D, [[true]])).toThrow('the mask has shape [1,1]; expected [2, 4], as D');
  expect(() => ztNorm(A, B, C, D, [[true, true, true, true], [false, false, false, false]])).toThrow('row 0 of the T cohort has no impostor trial in D');
  expect(() => zNorm([[1, NaN]], [[1, 2]])).toThrow('A holds NaN at row 0, column 1');
  expect(() => zNorm([[1, 2], [3]], B)).toThrow('A must be rows of numbers of one length');
});
