/**
 * The float64 linear algebra kernels (kernels/host/linalg.wat) in both builds (relaxed SIMD's
 * multiply-add, and mul then add) on one and three threads, against plain float64 JavaScript:
 * the panel product (tails of rows, columns and k chunks), batches of Cholesky solves (a system
 * that is not positive definite reported and left alone), the host products of ISV and JFA
 * (on the upper triangles where they are symmetric), and the i-vector pass (posteriors,
 * E[w w^T] and the accumulators' sums over batches of utterances) against the JavaScript
 * products, to float64 round-off (1e-12 relative).
 */
import { linalgThreads, panelIndex, panelValues, pgemm, solveSpdMany, upperOffsets, workspace } from '../../kernels/host/linalgEngine.js';
import { hostProducts, javascriptProducts } from '../../src/math/factorAnalysis/batched.js';
import type { Moments } from '../../src/math/gmm/moments.js';
import { IVectorModel, accumulate, completeAccumulators, emptyAccumulators, project, type IVectorShape } from '../../src/math/ivector.js';
import { solve } from '../../src/math/linalg.js';
import { Random } from '../../src/math/random.js';
import { expectClose } from '../helpers/expectClose.js';
import { describeHostBuilds } from '../helpers/hostBuilds.js';
import { spd } from '../helpers/matrices.js';

const rng = new Random(11);
const randoms = (n: number) => Float64Array.from({ length: n }, () => rng.normal());

/** A panel matrix's values as a row-major [rows, cols] one. */
const unpanel = (m: Float64Array, rows: number, cols: number) => Float64Array.from({ length: rows * cols }, (_, e) => m[panelIndex(rows, Math.floor(e / cols), e % cols)]);


/** Utterances' statistics about 0 with ragged responsibilities (some Gaussians unseen). */
function utterances(u: number, { c, d }: IVectorShape): Moments[] {
  return Array.from({ length: u }, () => {
    const n = Float64Array.from({ length: c }, () => (rng.random() < 0.2 ? 0 : 20 * rng.random() ** 3));
    const first = Float64Array.from({ length: c * d }, (_, e) => n[Math.floor(e / d)] * rng.normal());
    const second = Float64Array.from({ length: c * d }, (_, e) => n[Math.floor(e / d)] * (1 + rng.random()));
    return { nGaussians: c, nFeatures: d, t: 100, logLikelihood: 0, n, centre: null, first, second };
  });
}

describeHostBuilds('linear algebra kernels', (_relaxed, threads) => {
  test('the threads asked for run', () => {
    expect(linalgThreads()).toBe(threads);
  });

  // The sizes give each thread at least its share of work (MIN_WORK_PER_THREAD): three threads do run.
  test('pgemm: out += A B on panel matrices (67 rows, k 300 across a chunk, 402 columns), A with a row stride', () => {
    const [rows, k, cols, lda] = [67, 300, 402, 303];
    const a = randoms(rows * lda);
    const b = randoms(k * cols);
    const start = randoms(rows * cols);
    const bPanels = new Float64Array(panelValues(k, cols));
    const outPanels = new Float64Array(panelValues(rows, cols));
    for (let i = 0; i < k; i++) for (let j = 0; j < cols; j++) bPanels[panelIndex(k, i, j)] = b[i * cols + j];
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) outPanels[panelIndex(rows, i, j)] = start[i * cols + j];
    const space = workspace([], [8 * a.length, 8 * bPanels.length, 8 * outPanels.length])!;
    const [aAt, bAt, outAt] = space.areas;
    space.f64.set(a, aAt / 8);
    space.f64.set(bPanels, bAt / 8);
    space.f64.set(outPanels, outAt / 8);
    pgemm(aAt, lda, rows, k, bAt, outAt, cols);
    const got = unpanel(space.f64.slice(outAt / 8, outAt / 8 + outPanels.length), rows, cols);
    const want = start.slice();
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) for (let m = 0; m < k; m++) want[i * cols + j] += a[i * lda + m] * b[m * cols + j];
    expectClose(got, want, 1e-12, 1e-12);
  });

  test('solveSpdMany: five systems [120, 120] with 3 right-hand sides as solve; an indefinite one reported (its pivot) and left alone', () => {
    const [n, m, count] = [120, 3, 5];
    const as = new Float64Array(count * n * n);
    for (let s = 0; s < count; s++) as.set(spd(rng, n, 0.3), s * n * n);
    // system 2: a_00 = -1 (the first pivot is not positive)
    as[2 * n * n] = -1;
    const bs = randoms(count * n * m);
    const x = bs.slice();
    const status = solveSpdMany(as, x, n, m, count)!;
    expect(Array.from(status)).toEqual([0, 0, 1, 0, 0]);
    for (const s of [0, 1, 3, 4]) {
      const want = solve(as.subarray(s * n * n, (s + 1) * n * n), bs.subarray(s * n * m, (s + 1) * n * m), n, m)!;
      expectClose(x.subarray(s * n * m, (s + 1) * n * m), want, 1e-10, 1e-12);
    }
    expect(Array.from(x.subarray(2 * n * m, 3 * n * m))).toEqual(Array.from(bs.subarray(2 * n * m, 3 * n * m)));
  });

  test('the host products (ISV, JFA) equal the JavaScript ones: weighted sums, their accumulation, projections, W x, outer products', () => {
    const [groups, d, r, h] = [40, 5, 30, 9];
    const rows = groups * d;
    const terms = new Float64Array(groups * r * r);
    for (let g = 0; g < groups; g++) terms.set(spd(rng, r, 0.1), g * r * r);
    const weights = Array.from({ length: h }, () => Float64Array.from({ length: groups }, () => rng.random()));
    const mats = Array.from({ length: h }, () => spd(rng, r, 0.2));
    const w = randoms(rows * r);
    const sigma = Float64Array.from({ length: rows }, () => 0.5 + rng.random());
    const vs = Array.from({ length: h }, () => randoms(rows));
    const xs = Array.from({ length: h }, () => randoms(r));
    const upper = (m: Float64Array) => Float64Array.from({ length: (r * (r + 1)) / 2 }, (_, e) => m[upperOffsets(r)[e]]);
    hostProducts.weightedSums(terms, weights, r).forEach((a, i) => expectClose(upper(a), upper(javascriptProducts.weightedSums(terms, weights, r)[i]), 1e-12, 1e-12));
    const ours = randoms(groups * r * r);
    const theirsAcc = ours.slice();
    hostProducts.addWeighted(ours, weights, mats, r);
    javascriptProducts.addWeighted(theirsAcc, weights, mats, r);
    for (let g = 0; g < groups; g++) expectClose(upper(ours.subarray(g * r * r)), upper(theirsAcc.subarray(g * r * r)), 1e-12, 1e-12);
    hostProducts.projectEach(w, sigma, vs, r).forEach((p, i) => expectClose(p, javascriptProducts.projectEach(w, sigma, vs, r)[i], 1e-12, 1e-12));
    hostProducts.timesEach(w, xs, r).forEach((p, i) => expectClose(p, javascriptProducts.timesEach(w, xs, r)[i], 1e-12, 1e-12));
    const outer = randoms(rows * r);
    const outerTheirs = outer.slice();
    hostProducts.addOuterProducts(outer, vs, xs, r);
    javascriptProducts.addOuterProducts(outerTheirs, vs, xs, r);
    expectClose(outer, outerTheirs, 1e-12, 1e-12);
  });

  test('the i-vector pass (130 utterances: batches of 64, 64, 2) gives the JavaScript products\' i-vectors and sums', () => {
    const shape = { c: 64, d: 4, r: 40 };
    const stats = utterances(130, shape);
    const model = new IVectorModel(randoms(64 * 4 * 40), Float64Array.from({ length: 256 }, () => 0.5 + rng.random()), shape);
    const means = new Float64Array(256);
    const javascript = javascriptProducts;
    const ws = project(stats, means, model);
    project(stats, means, model, javascript).forEach((w, u) => expectClose(ws[u], w, 1e-12, 1e-14));
    const [ours, theirs] = [emptyAccumulators(shape), emptyAccumulators(shape)];
    accumulate(ours, stats, means, model);
    accumulate(theirs, stats, means, model, javascript);
    completeAccumulators(ours, shape);
    completeAccumulators(theirs, shape);
    for (const key of ['nijSigmaWij2', 'fnormSigmaWij', 'snormij', 'nij'] as const) expectClose(ours[key], theirs[key], 1e-12, 1e-12);
  });
});

test('the i-vector pass names an utterance whose statistics are not finite', () => {
  const shape = { c: 4, d: 2, r: 3 };
  const stats = utterances(5, shape);
  stats[3].n[1] = Number.NaN;
  const model = new IVectorModel(randoms(24), new Float64Array(8).fill(1), shape);
  expect(() => project(stats, new Float64Array(8), model)).toThrow(/utterance 3's posterior precision is not positive definite/);
});
