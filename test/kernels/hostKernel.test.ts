/**
 * The host e-step kernels (kernels/host/) called directly, in both builds (relaxed SIMD's
 * multiply-add, and mul then add) and on one and three threads, against a float64
 * reference of the same sums: moments about each Gaussian's own centre nu.
 */
import { setFlagsFromString } from 'node:v8';
import { hostEStep, hostLogLikelihood } from '../../kernels/host/hostEStep.js';
import { hostKernelInfo, setHostRelaxedSimd, setHostThreads } from '../../kernels/host/hostEngine.js';

interface Case {
  n: number;
  d: number;
  k: number;
  y: Float32Array;
  nu: Float32Array;
  h: Float32Array;
  c: Float32Array;
}

/** Rows not a multiple of 4 or of the 64-row block, odd D, K not a multiple of 8. */
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 3, 5],
  [1001, 7, 13],
  [3000, 60, 64],
  [600, 20, 130],
];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/**
 * n samples around k Gaussians with means nu in centre + [-spread, spread] and variances
 * in var0 [0.5, 1.5], sample i drawn within +-2 sigma of Gaussian i mod k; logWeights
 * overrides log w (-Inf: no mass).
 */
function makeCase(n: number, d: number, k: number, seed: number, o: { centre?: number; spread?: number; var0?: number; logWeights?: number[] } = {}): Case {
  const { centre = 0, spread = 2, var0 = 1 } = o;
  const rng = lcg(seed);
  const nu = Float32Array.from({ length: d * k }, () => centre + spread * (2 * rng() - 1));
  const variance = Float64Array.from({ length: d * k }, () => var0 * (0.5 + rng()));
  const h = variance.map((v) => 1 / (2 * v));
  const c = Float32Array.from({ length: k }, (_, i) => {
    let logDet = 0;
    for (let j = 0; j < d; j++) logDet += Math.log(variance[j * k + i]);
    return (o.logWeights?.[i] ?? -Math.log(k)) - 0.5 * (d * Math.log(2 * Math.PI) + logDet);
  });
  const y = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) y[i * d + j] = nu[j * k + (i % k)] + 2 * Math.sqrt(variance[j * k + (i % k)]) * (2 * rng() - 1);
  }
  return { n, d, k, y, nu, h: Float32Array.from(h), c };
}

/**
 * The packed e-step in float64, and the scale of each packed value's terms
 * (sum of their magnitudes) against which a float32 kernel's error is judged.
 */
function reference({ n, d, k, y, nu, h, c }: Case) {
  const sums = new Float64Array(2 * d * k + k + 1);
  const scale = new Float64Array(sums.length);
  const logP = new Float64Array(n);
  const l = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let g = 0; g < k; g++) {
      let q = 0;
      for (let j = 0; j < d; j++) q += (y[i * d + j] - nu[j * k + g]) ** 2 * h[j * k + g];
      l[g] = c[g] - q;
      max = Math.max(max, l[g]);
    }
    if (max === -Infinity) {
      logP[i] = -Infinity;
      continue;
    }
    let total = 0;
    for (let g = 0; g < k; g++) total += Math.exp(l[g] - max);
    logP[i] = max + Math.log(total);
    for (let g = 0; g < k; g++) {
      const r = Math.exp(l[g] - max) / total;
      for (let j = 0; j < d; j++) {
        const t = y[i * d + j] - nu[j * k + g];
        sums[j * k + g] += r * t;
        scale[j * k + g] += r * Math.abs(t);
        sums[(d + j) * k + g] += r * t * t;
      }
      sums[2 * d * k + g] += r;
    }
  }
  sums[sums.length - 1] = logP.reduce((a, b) => a + b, 0);
  for (let i = d * k; i < sums.length - 1; i++) scale[i] = sums[i];
  scale[sums.length - 1] = logP.reduce((a, b) => a + Math.abs(b), 0);
  return { sums, scale, logP };
}

/**
 * The largest error of the kernel's packed sums relative to their terms' scale. Measured
 * over SHAPES: up to 3e-6 (float32 log-likelihoods over up to 60 features, a float32 exp
 * to ~1e-7, float32 sums over the 64-row blocks and across blocks); 1e-5 leaves a margin.
 */
const RTOL = 1e-5;
function worstError(got: Float32Array, { sums, scale }: { sums: Float64Array; scale: Float64Array }): number {
  let worst = 0;
  for (let i = 0; i < sums.length; i++) worst = Math.max(worst, Math.abs(got[i] - sums[i]) / (scale[i] + 1e-30));
  return worst;
}

/** Each shape's float64 reference, computed once for the four (build, threads) runs. */
const references = new Map<string, ReturnType<typeof reference>>();

// Node 20 validates relaxed SIMD only behind this flag; later versions by default.
setFlagsFromString('--experimental-wasm-relaxed-simd');

describe.each([
  ['relaxed madd', true],
  ['mul then add', false],
])('host kernels, %s', (_, relaxed) => {
  beforeAll(() => setHostRelaxedSimd(relaxed));
  afterAll(() => {
    setHostRelaxedSimd(true);
    setHostThreads(null);
  });

  describe.each([1, 3])('%i thread(s)', (threads) => {
    beforeAll(() => setHostThreads(threads));

    test('the build asked for runs', () => {
      expect(hostKernelInfo()).toEqual({ threads, fma: relaxed });
    });

    test.each(SHAPES)('n=%i D=%i K=%i: centred sums and log p match the float64 reference', (n, d, k) => {
      const p = makeCase(n, d, k, n + d + k);
      const key = `${n} ${d} ${k}`;
      if (!references.has(key)) references.set(key, reference(p));
      const ref = references.get(key)!;
      const got = hostEStep(p.y, n, d, p.nu, p.h, p.c);
      expect(got.length).toBe(2 * d * k + k + 1);
      expect(worstError(got, ref)).toBeLessThan(RTOL);
      const logP = hostLogLikelihood(p.y, n, d, p.nu, p.h, p.c);
      // Per row: a float32 sum of d terms and c, then logsumexp; measured up to 2e-7 of |log p| + 1.
      for (let i = 0; i < n; i++) expect(Math.abs(logP[i] - ref.logP[i])).toBeLessThan(2e-6 * (Math.abs(ref.logP[i]) + 1));
    });

    test('narrow Gaussians far from 0 (|nu| / sigma ~ 1e5): centred moments to float32 precision', () => {
      // nu ~ 100, var ~ 1e-6: y - nu is exact in float32 (a few multiples of ulp(100)), so the
      // centred second moment keeps float32 precision (measured: exact here, the responsibilities
      // being 0 or 1 and the squares few-bit); about 0 it would be E[y^2] - nu^2, whose float32
      // rounding (1e4 * 6e-8 relative to var) leaves nothing.
      const p = makeCase(2000, 5, 11, 3, { centre: 100, spread: 0.05, var0: 1e-6 });
      const ref = reference(p);
      const got = hostEStep(p.y, p.n, p.d, p.nu, p.h, p.c);
      const { d, k } = p;
      for (let i = d * k; i < 2 * d * k; i++) expect(Math.abs(got[i] - ref.sums[i])).toBeLessThan(5e-6 * ref.sums[i]);
      expect(worstError(got, ref)).toBeLessThan(RTOL);
    });

    test('Gaussians with c = -Inf get exactly zero responsibility', () => {
      const p = makeCase(500, 5, 3, 7, { logWeights: [Math.log(0.5), Math.log(0.5), -Infinity] });
      const got = hostEStep(p.y, p.n, p.d, p.nu, p.h, p.c);
      expect(got[2 * 5 * 3 + 2]).toBe(0);
      for (let j = 0; j < 10; j++) expect(got[j * 3 + 2]).toBe(0);
      expect(worstError(got, reference(p))).toBeLessThan(RTOL);
    });

    test('rows where every Gaussian has c = -Inf: log p -Inf, zero statistics, no NaN', () => {
      const p = makeCase(300, 4, 9, 3, { logWeights: Array(9).fill(-Infinity) });
      const got = hostEStep(p.y, p.n, p.d, p.nu, p.h, p.c);
      expect(got[got.length - 1]).toBe(-Infinity);
      expect(Array.from(got.subarray(0, got.length - 1)).every((v) => v === 0)).toBe(true);
      expect(Array.from(hostLogLikelihood(p.y, p.n, p.d, p.nu, p.h, p.c)).every((v) => v === -Infinity)).toBe(true);
    });
  });
});
