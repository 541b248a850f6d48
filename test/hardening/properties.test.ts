/**
 * Property tests (fast-check), 310 cases per run, seeded by test/helpers/fastCheckSeed.ts (fixed
 * under CI, printed, replayable with FC_SEED=<seed>).
 * Cases that once failed are kept as `examples` (run first, every time).
 */
import fc from 'fast-check';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { KMeansMachine } from '../../src/machines/KMeansMachine.js';
import { expectClose } from '../helpers/expectClose.js';
import { TfjsEmError } from '../../src/errors.js';
import { FC_SEED, fcRun } from '../helpers/fastCheckSeed.js';

const values = (n: number, min: number, max: number) => fc.array(fc.double({ min, max, noNaN: true }), { minLength: n, maxLength: n });

/** A mixture of 1-4 Gaussians in 1-4 dimensions, and 2-40 samples around it. */
const gmmCase = fc
  .record({ k: fc.integer({ min: 1, max: 4 }), d: fc.integer({ min: 1, max: 4 }), n: fc.integer({ min: 2, max: 40 }) })
  .chain(({ k, d, n }) =>
    fc.record({
      k: fc.constant(k),
      d: fc.constant(d),
      weights: values(k, 0.05, 1),
      means: values(k * d, -5, 5),
      variances: values(k * d, 0.5, 4),
      data: values(n * d, -6, 6),
      cut: fc.integer({ min: 1, max: n - 1 }),
    }),
  );
type GmmCase = typeof gmmCase extends fc.Arbitrary<infer T> ? T : never;

function machineOf(c: GmmCase): GMMMachine {
  const m = new GMMMachine(c.k);
  const total = c.weights.reduce((s, w) => s + w, 0);
  m.weights = c.weights.map((w) => w / total);
  m.means = c.means;
  m.variances = c.variances;
  return m;
}

const rows = (data: number[], d: number, from = 0, to = data.length / d) => ({ data: Float64Array.from(data.slice(from * d, to * d)), shape: [to - from, d] as [number, number] });

describe(`properties (seed ${FC_SEED})`, () => {
  test('GMMStats add is commutative (exactly) and associative (1e-12 relative, float64 sums) [60 cases]', () => {
    const stats = (k: number, d: number) =>
      fc.record({ ll: fc.double({ min: -1e4, max: 1e4, noNaN: true }), t: fc.nat(1000), n: values(k, 0, 100), px: values(k * d, -1e3, 1e3), pxx: values(k * d, 0, 1e5) })
        .map((f) => new GMMStats(k, d).initFields({ logLikelihood: f.ll, t: f.t, n: f.n, sumPx: f.px, sumPxx: f.pxx }));
    const triple = fc.record({ k: fc.integer({ min: 1, max: 5 }), d: fc.integer({ min: 1, max: 5 }) }).chain(({ k, d }) => fc.tuple(stats(k, d), stats(k, d), stats(k, d)));
    fc.assert(
      fc.property(triple, ([a, b, c]) => {
        expect(a.add(b).equals(b.add(a))).toBe(true);
        const left = a.add(b).add(c);
        const right = a.add(b.add(c));
        for (const key of ['n', 'sumPx', 'sumPxx'] as const) expectClose(left[key], right[key], 1e-12, 1e-9);
        expectClose([left.logLikelihood, left.t], [right.logLikelihood, right.t], 1e-12, 1e-9);
      }),
      fcRun(60),
    );
  });

  test('accStats of a concatenation equals the sum of accStats of its two parts (1e-5 relative of the summed magnitudes) [30 cases]', async () => {
    await fc.assert(
      fc.asyncProperty(gmmCase, async (c) => {
        const m = machineOf(c);
        const n = c.data.length / c.d;
        const whole = await m.accStats(rows(c.data, c.d));
        const parts = (await m.accStats(rows(c.data, c.d, 0, c.cut))).add(await m.accStats(rows(c.data, c.d, c.cut, n)));
        const ll = await m.logLikelihood(rows(c.data, c.d));
        // float32 device sums: errors scale with the sums of magnitudes, not with the (cancelling) sums
        const absLL = ll.reduce((s, v) => s + Math.abs(v), 0);
        expect(whole.t).toBe(parts.t);
        expectClose(whole.logLikelihood, parts.logLikelihood, 0, 1e-5 * absLL);
        expectClose(whole.n, parts.n, 0, 1e-5 * n);
        expectClose(whole.sumPx, parts.sumPx, 0, 1e-5 * n * 6);
        expectClose(whole.sumPxx, parts.sumPxx, 0, 1e-5 * n * 36);
        m.dispose();
      }),
      fcRun(30),
    );
  });

  test('logLikelihood equals logsumexp over logWeightedLikelihood, per sample (1e-5 relative, 1e-5 absolute) [30 cases]', async () => {
    await fc.assert(
      fc.asyncProperty(gmmCase, async (c) => {
        const m = machineOf(c);
        const x = rows(c.data, c.d);
        const ll = await m.logLikelihood(x);
        const { data: lwl, shape: [k, n] } = await m.logWeightedLikelihood(x);
        const expected = Array.from({ length: n }, (_, i) => {
          const col = Array.from({ length: k }, (_, g) => lwl[g * n + i]);
          const max = Math.max(...col);
          return max + Math.log(col.reduce((s, v) => s + Math.exp(v - max), 0));
        });
        expectClose(ll, expected, 1e-5, 1e-5);
        m.dispose();
      }),
      fcRun(30),
    );
  });

  test('a machine saved and loaded equals the original exactly: GMMMachine, GMMStats, KMeansMachine [40 + 20 + 20 cases]', async () => {
    const thresholds = (k: number, d: number) =>
      fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), values(d, 0, 1), values(k * d, 0, 1).map((v) => Array.from({ length: k }, (_, i) => v.slice(i * d, (i + 1) * d))));
    const settings = fc.record({
      convergenceThreshold: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
      maxFittingSteps: fc.option(fc.nat(1000)),
      updateMeans: fc.boolean(),
      updateVariances: fc.boolean(),
      updateWeights: fc.boolean(),
    });
    const withSettings = gmmCase.chain((c) => fc.tuple(fc.constant(c), settings, thresholds(c.k, c.d)));
    await fc.assert(
      fc.asyncProperty(withSettings, async ([c, s, t]) => {
        const m = machineOf(c);
        Object.assign(m, s.convergenceThreshold === null && s.maxFittingSteps === null ? { ...s, maxFittingSteps: 1 } : s);
        m.varianceThresholds = t;
        const loaded = await GMMMachine.fromHDF5(await m.toBytes());
        expect(loaded.toRecord()).toEqual(m.toRecord());
      }),
      fcRun(40),
    );
    await fc.assert(
      fc.asyncProperty(gmmCase, fc.nat(1e6), fc.double({ min: -1e6, max: 1e6, noNaN: true }), async (c, t, ll) => {
        // statistics of t samples: responsibilities summing to t, moments of Gaussians of the case's means and variances
        const total = c.weights.reduce((a, w) => a + w, 0);
        const n = c.weights.map((w) => (w / total) * t);
        const sumPx = c.means.map((m, e) => n[Math.floor(e / c.d)] * m);
        const sumPxx = c.means.map((m, e) => n[Math.floor(e / c.d)] * (c.variances[e] + m * m));
        const s = new GMMStats(c.k, c.d).initFields({ t, logLikelihood: ll, n, sumPx, sumPxx });
        expect((await GMMStats.fromHDF5(await s.toBytes())).equals(s)).toBe(true);
      }),
      fcRun(20),
    );
    await fc.assert(
      fc.asyncProperty(gmmCase, fc.constantFrom('random', 'k-means++', 'k-means||' as const), fc.integer(), async (c, initMethod, randomState) => {
        const km = new KMeansMachine(c.k, { initMethod, randomState });
        km.centroids = Float64Array.from(c.means);
        const loaded = await KMeansMachine.fromHDF5(await km.toBytes());
        expect(loaded.toRecord()).toEqual(km.toRecord());
      }),
      fcRun(20),
    );
  });

  test('a machine that training produced (k-means start, 2 ML steps, few distinct samples) saves and loads back exactly [20 cases]', async () => {
    // few distinct points and up to one Gaussian more than there are points: k-means leaves clusters empty
    const trained = fc
      .record({ d: fc.integer({ min: 1, max: 3 }), points: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 1, max: 5 }), weights: fc.boolean() })
      .chain((p) => fc.tuple(fc.constant(p), values(p.points * p.d, -5, 5), fc.array(fc.nat(p.points - 1), { minLength: Math.max(p.k, 2), maxLength: 30 })));
    await fc.assert(
      fc.asyncProperty(trained, async ([p, points, picks]) => {
        const m = new GMMMachine(p.k, { maxFittingSteps: 2, updateVariances: true, updateWeights: p.weights });
        m.varianceThresholds = 1e-3;
        await m.fit(picks.map((i) => points.slice(i * p.d, (i + 1) * p.d)), { onWarning: () => {} }); // few points: variances on the floor
        const loaded = await GMMMachine.fromHDF5(await m.toBytes());
        expect(loaded.toRecord()).toEqual(m.toRecord());
        m.dispose();
      }),
      // Found by this property: FC_SEED=1, one Gaussian (one k-means cluster) crashed inside tf.oneHot (depth 1);
      // FC_SEED=7, two Gaussians on one point: k-means left one empty (weight 0), the file did not load.
      {
        ...fcRun(20),
        examples: [[[{ d: 1, points: 1, k: 1, weights: false }, [0], [0, 0]]], [[{ d: 1, points: 1, k: 2, weights: false }, [0], [0, 0]]]],
      },
    );
  });

  test('k-means predict equals the argmin of transform, ties to the lowest index [30 cases]', async () => {
    await fc.assert(
      fc.asyncProperty(gmmCase, fc.boolean(), async (c, duplicate) => {
        const km = new KMeansMachine(c.k);
        // duplicated centroids make exact ties
        km.centroids = Float64Array.from(duplicate && c.k > 1 ? [...c.means.slice(0, c.d), ...c.means.slice(0, (c.k - 1) * c.d)] : c.means);
        const x = rows(c.data, c.d);
        const labels = await km.predict(x);
        const { data: dist, shape: [k, n] } = await km.transform(x);
        const argmin = Array.from({ length: n }, (_, i) => {
          let best = 0;
          for (let g = 1; g < k; g++) if (dist[g * n + i] < dist[best * n + i]) best = g;
          return best;
        });
        expect(Array.from(labels)).toEqual(argmin);
      }),
      fcRun(30),
    );
  });

  test('random bytes, and damaged copies of a valid file, given as HDF5: read, or TfjsEmError FILE_FORMAT; never a crash [60 cases]', async () => {
    const valid = await machineOf({ k: 2, d: 3, weights: [0.3, 0.7], means: [0, 1, 2, 3, 4, 5], variances: [1, 1, 1, 2, 2, 2], data: [], cut: 1 }).toBytes();
    const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
    // Described rather than given as bytes, so that a counterexample prints short.
    const damage = fc.oneof(
      fc.record({ noise: fc.uint8Array({ maxLength: 512 }), signed: fc.boolean() }),
      fc.record({ edits: fc.array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255)), { minLength: 1, maxLength: 8 }) }),
    );
    const bytesOf = (d: { noise: Uint8Array; signed: boolean } | { edits: [number, number][] }): Uint8Array => {
      if ('noise' in d) return d.signed ? Uint8Array.of(...signature, ...d.noise) : d.noise;
      const copy = valid.slice();
      for (const [at, v] of d.edits) copy[at] = v;
      return copy;
    };
    // Found by this property (FC_SEED=7; shrunk): one byte of the weights changed; the file read, then
    // GMMMachine's weights setter threw INVALID_ARGUMENT 'weights must sum to 1', naming no file.
    const found: [number, number][] = [[6188, 0]];
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        const outcome = await GMMMachine.fromHDF5(bytesOf(d)).then(() => 'read', (e: unknown) => (e instanceof TfjsEmError ? e.code : `not a TfjsEmError: ${String(e)}`));
        expect(['read', 'FILE_FORMAT']).toContain(outcome);
      }),
      { ...fcRun(60), examples: [[{ edits: found }]] },
    );
  });
});
