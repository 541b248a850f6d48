/**
 * The host e-step kernels (kernels/host/) called directly, in both builds (relaxed SIMD's
 * multiply-add, and mul then add) and on one and three threads, against the float64
 * reference of centredCases.ts (moments about each Gaussian's own centre; tolerances there);
 * rows as a data set stores them, centred by the kernel, against rows centred beforehand.
 */
import { hostEStep, hostLogLikelihood } from '../../kernels/host/hostEStep.js';
import { hostKernelInfo, setHostResidentBytes } from '../../kernels/host/hostEngine.js';
import { describeHostBuilds } from '../helpers/hostBuilds.js';
import {
  GaussianProblem, LOG_P_TOL, NARROW_RTOL, Reference, SHAPES, UNIT_RTOL,
  eStepMismatch, logLikelihoodMismatch, narrowProblem, reference, unitProblem,
} from './centredCases.js';

/** Each problem's float64 reference, computed once for the four (build, threads) runs. */
const references = new Map<GaussianProblem, Reference>();
const referenceOf = (p: GaussianProblem) => references.get(p) ?? references.set(p, reference(p)).get(p)!;

const problems: [string, GaussianProblem, number][] = [
  ...SHAPES.map(([n, d, k]): [string, GaussianProblem, number] => [`n=${n} D=${d} K=${k}`, unitProblem(n, d, k, n + d + k), UNIT_RTOL]),
  ['narrow Gaussians far from 0 (|nu| / sigma ~ 1e5)', narrowProblem(2000, 5, 11, 3), NARROW_RTOL],
];

describeHostBuilds('host kernels', (relaxed, threads) => {
  test('the build asked for runs', () => {
    expect(hostKernelInfo()).toEqual({ threads, fma: relaxed });
  });

  test.each(problems)('%s: centred sums and log p match the float64 reference', (_name, p, rtol) => {
    const ref = referenceOf(p);
    expect(eStepMismatch(hostEStep(p.y, p.n, p.d, p.nu, p.h, p.c), ref, p.d, p.k, rtol)).toBeNull();
    expect(logLikelihoodMismatch(hostLogLikelihood(p.y, p.n, p.d, p.nu, p.h, p.c), ref, LOG_P_TOL)).toBeNull();
  });

  test.each([
    ['f64', (v: number[]) => Float64Array.from(v)],
    ['f32', (v: number[]) => Float32Array.from(v)],
  ])('%s rows as stored, centred by the kernel, give bit for bit the sums of rows centred beforehand', (_kind, stored) => {
    const { n, d, nu, h, c, y } = unitProblem(1531, 7, 9, 5);
    const shift = Float64Array.from({ length: d }, (_, j) => 1e3 * (j - 3) + 0.1234567);
    const x = stored(Array.from(y, (v, i) => v + shift[i % d]));
    const centred = Float32Array.from(x, (v, i) => v - shift[i % d]);
    const weights = Float32Array.from({ length: n }, (_, i) => (i % 5) / 2);
    const owner = {};
    const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
    for (const [from, rows] of [[0, n], [0, n], [700, 600], [1500, 31]]) {
      const mine = centred.subarray(from * d, (from + rows) * d);
      const w = weights.subarray(from, from + rows);
      // Copied in (an array), then kept between calls (stored rows with an owner).
      expect(same(hostEStep(x.subarray(from * d), rows, d, nu, h, c, w, shift), hostEStep(mine, rows, d, nu, h, c, w))).toBe(true);
      expect(same(hostEStep({ data: x, from, owner }, rows, d, nu, h, c, w, shift), hostEStep(mine, rows, d, nu, h, c, w))).toBe(true);
      expect(same(hostLogLikelihood({ data: x, from, owner }, rows, d, nu, h, c, shift), hostLogLikelihood(mine, rows, d, nu, h, c))).toBe(true);
    }
  });

  test('kept rows are read again for another owner or data set, and not kept beyond the budget', () => {
    const { n, d, nu, h, c, y } = unitProblem(900, 5, 4, 11);
    const shift = new Float64Array(d).fill(-2.5);
    const x = Float64Array.from(y, (v) => v - 2.5);
    const other = Float64Array.from(x, (v) => v + 1);
    const expected = (data: Float64Array) => hostEStep(Float32Array.from(data, (v) => v + 2.5), n, d, nu, h, c);
    const owner = {};
    expect(hostEStep({ data: x, from: 0, owner }, n, d, nu, h, c, null, shift)).toEqual(expected(x));
    expect(hostEStep({ data: other, from: 0, owner }, n, d, nu, h, c, null, shift)).toEqual(expected(other));
    expect(hostEStep({ data: x, from: 0, owner: {} }, n, d, nu, h, c, null, shift)).toEqual(expected(x));
    try {
      setHostResidentBytes(0);
      expect(hostEStep({ data: other, from: 0, owner }, n, d, nu, h, c, null, shift)).toEqual(expected(other));
    } finally {
      setHostResidentBytes(null);
    }
  });

  test('a Gaussian with c = -Inf gets exactly zero responsibility', () => {
    const p = unitProblem(500, 5, 3, 7);
    p.c[2] = -Infinity;
    const got = hostEStep(p.y, p.n, p.d, p.nu, p.h, p.c);
    expect(got[2 * 5 * 3 + 2]).toBe(0);
    for (let j = 0; j < 10; j++) expect(got[j * 3 + 2]).toBe(0);
    expect(eStepMismatch(got, reference(p), p.d, p.k, UNIT_RTOL)).toBeNull();
  });

  test('rows where every Gaussian has c = -Inf: log p -Inf, zero statistics, no NaN', () => {
    const p = unitProblem(300, 4, 9, 3);
    p.c.fill(-Infinity);
    const got = hostEStep(p.y, p.n, p.d, p.nu, p.h, p.c);
    expect(got[got.length - 1]).toBe(-Infinity);
    expect(Array.from(got.subarray(0, got.length - 1)).every((v) => v === 0)).toBe(true);
    expect(Array.from(hostLogLikelihood(p.y, p.n, p.d, p.nu, p.h, p.c)).every((v) => v === -Infinity)).toBe(true);
  });
});
