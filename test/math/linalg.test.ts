/**
 * The host solvers the subspace m-steps use: solveSpd (Cholesky) gives solve's answer on
 * symmetric positive definite systems with several right-hand sides, and falls back to solve on
 * a symmetric matrix that is not positive definite (null where it is singular); the batched
 * products of factorAnalysis/batched.ts equal their one-at-a-time definitions.
 */
import { solve, solveSpd } from '../../src/math/linalg.js';
import { addWeighted, projectEach, timesEach, weightedSums } from '../../src/math/factorAnalysis/batched.js';
import { Random } from '../../src/math/random.js';
import { expectClose } from '../helpers/expectClose.js';
import { spd } from '../helpers/matrices.js';

const rng = new Random(3);
const randoms = (n: number) => Float64Array.from({ length: n }, () => rng.normal());


test('solveSpd: solve\'s answer on an SPD system with 7 right-hand sides (1e-10); a x = b holds', () => {
  const d = 40;
  const a = spd(rng, d, 0.5);
  const b = randoms(d * 7);
  const x = solveSpd(a, b, d, 7)!;
  expectClose(x, solve(a, b, d, 7)!, 1e-10, 1e-12);
  const back = new Float64Array(d * 7);
  for (let i = 0; i < d; i++) for (let j = 0; j < 7; j++) for (let k = 0; k < d; k++) back[i * 7 + j] += a[i * d + k] * x[k * 7 + j];
  expectClose(back, b, 1e-10, 1e-12);
});

test('solveSpd: an indefinite symmetric matrix is solved by elimination; a singular one gives null', () => {
  const a = Float64Array.of(1, 2, 2, 1); // eigenvalues 3 and -1
  expectClose(solveSpd(a, Float64Array.of(3, 3), 2, 1)!, [1, 1], 1e-15);
  expect(solveSpd(Float64Array.of(1, 1, 1, 1), Float64Array.of(1, 2), 2, 1)).toBeNull();
});

test('batched products equal their definitions for each member of the batch', () => {
  const [groups, r, rows] = [5, 37, 23];
  const terms = randoms(groups * r * r);
  const weights = [randoms(groups), randoms(groups), new Float64Array(groups)];
  const sums = weightedSums(terms, weights, r);
  weights.forEach((w, h) => {
    const expected = new Float64Array(r * r);
    for (let g = 0; g < groups; g++) for (let i = 0; i < r; i++) for (let j = i; j < r; j++) expected[i * r + j] += w[g] * terms[g * r * r + i * r + j];
    expectClose(sums[h], expected, 1e-12, 1e-12);
  });
  const acc = new Float64Array(groups * r * r);
  const mats = weights.map(() => randoms(r * r));
  addWeighted(acc, weights, mats, r);
  const expected = new Float64Array(groups * r * r);
  for (let g = 0; g < groups; g++) for (let i = 0; i < r; i++) for (let j = i; j < r; j++) for (let h = 0; h < 3; h++) expected[g * r * r + i * r + j] += weights[h][g] * mats[h][i * r + j];
  expectClose(acc, expected, 1e-12, 1e-12);
  const w = randoms(rows * r);
  const sigma = Float64Array.from(randoms(rows), (v) => 1 + v * v);
  const vs = [randoms(rows), randoms(rows)];
  projectEach(w, sigma, vs, r).forEach((p, h) => {
    const e = new Float64Array(r);
    for (let i = 0; i < rows; i++) for (let k = 0; k < r; k++) e[k] += (w[i * r + k] * vs[h][i]) / sigma[i];
    expectClose(p, e, 1e-12, 1e-12);
  });
  const xs = [randoms(r), randoms(r)];
  timesEach(w, xs, r).forEach((t, h) => {
    const e = new Float64Array(rows);
    for (let i = 0; i < rows; i++) for (let k = 0; k < r; k++) e[i] += w[i * r + k] * xs[h][k];
    expectClose(t, e, 1e-12, 1e-12);
  });
});
