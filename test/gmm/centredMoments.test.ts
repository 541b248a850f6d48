/**
 * Statistics held about each Gaussian's centre, and the m-steps written in those
 * terms: the same values as bob's formulas on his sums about 0 where float64 can
 * compute those (1e-9 relative), and exact where bob's would cancel (data at 1e7).
 */
import { GMMStats } from '../../src/machines/GMMStats.js';
import { mlMStep } from '../../src/math/gmm/mlMStep.js';
import { mapMStep } from '../../src/math/gmm/mapMStep.js';
import { GaussianParams } from '../../src/math/gmm/params.js';
import { expectClose } from '../helpers/expectClose.js';

const K = 3;
const D = 2;

/** Statistics of explicit weighted samples, about the given centres (or 0). */
function statsOf(samples: number[][], resp: number[][], centre: Float64Array | null): GMMStats {
  const first = new Float64Array(K * D);
  const second = new Float64Array(K * D);
  const n = new Float64Array(K);
  samples.forEach((x, i) =>
    resp[i].forEach((r, k) => {
      n[k] += r;
      x.forEach((v, j) => {
        const c = v - (centre === null ? 0 : centre[k * D + j]);
        first[k * D + j] += r * c;
        second[k * D + j] += r * c * c;
      });
    }),
  );
  return new GMMStats(K, D).initFields({ t: samples.length, logLikelihood: -3, n, centred: { centre, first, second } });
}

function problem(offset: number) {
  const samples = Array.from({ length: 40 }, (_, i) => [offset + Math.sin(i) * 2, offset - 1 + Math.cos(3 * i)]);
  // The last Gaussian takes little responsibility: under a threshold of 1.
  const resp = samples.map((_, i) => {
    const a = 0.2 + 0.6 * ((i * 7) % 10) / 10;
    return [a, 1 - a - 0.001, 0.001];
  });
  const params: GaussianParams = {
    weights: Float64Array.of(0.5, 0.4, 0.1),
    means: Float64Array.from({ length: K * D }, (_, e) => offset + 0.3 * e - 0.5),
    variances: Float64Array.from({ length: K * D }, (_, e) => 0.5 + 0.1 * e),
  };
  return { samples, resp, params };
}

const FLAGS = [true, false].flatMap((updateMeans) => [0, 1].map((threshold) => ({ updateMeans, threshold })));

describe('statistics about each Gaussian\'s centre', () => {
  test('sumPx and sumPxx are bob\'s moments about 0, computed without changing the statistics; recentring and adding keep them', () => {
    const { samples, resp, params } = problem(3);
    const aboutZero = statsOf(samples, resp, null);
    const centred = statsOf(samples, resp, params.means);
    expectClose(centred.uncentred().sumPx, aboutZero.sumPx, 1e-12);
    expectClose(centred.uncentred().sumPxx, aboutZero.sumPxx, 1e-12);
    expect(centred.centredMoments().centre).not.toBeNull(); // uncentred() changes nothing
    const sum = centred.add(statsOf(samples, resp, Float64Array.from(params.means, (m) => m + 1)));
    expectClose(sum.sumPxx, aboutZero.sumPxx.map((v) => 2 * v), 1e-12);
    expect(sum.isSimilarTo(aboutZero.add(aboutZero), 1e-12)).toBe(true);
    expectClose(centred.sumPx, aboutZero.sumPx, 1e-12);
    expect(centred.centredMoments().centre).not.toBeNull(); // reading sumPx changes nothing either
  });

  test.each(FLAGS)('ML m-step equals bob\'s formula on his sums (updateMeans %p)', ({ updateMeans, threshold }) => {
    const { samples, resp, params } = problem(3);
    const o = { updateMeans, updateVariances: true, updateWeights: true, meanVarUpdateThreshold: threshold };
    const got = mlMStep(params, statsOf(samples, resp, params.means), o);
    const want = mlMStep(params, statsOf(samples, resp, null), o);
    expectClose(got.means, want.means, 1e-9);
    expectClose(got.variances, want.variances, 1e-9, 1e-12);
    expectClose(got.weights, want.weights, 1e-12);
  });

  test.each(FLAGS.flatMap((f) => (['reynolds', 'bob'] as const).map((varianceUpdate) => ({ ...f, varianceUpdate }))))(
    'MAP m-step equals the formula on sums about 0 (%p)',
    ({ updateMeans, threshold, varianceUpdate }) => {
      const { samples, resp, params } = problem(3);
      const ubm = { ...params, means: params.means.map((m) => m + 0.2) };
      const o = { updateMeans, updateVariances: true, updateWeights: true, meanVarUpdateThreshold: threshold, relevanceFactor: 4, alpha: 0.5, varianceUpdate };
      const got = mapMStep(params, ubm, statsOf(samples, resp, params.means), o);
      const want = mapMStep(params, ubm, statsOf(samples, resp, null), o);
      expectClose(got.means, want.means, 1e-9);
      expectClose(got.variances, want.variances, 1e-9, 1e-12);
      expectClose(got.weights, want.weights, 1e-12);
    },
  );

  test('data offset by 1e7: ML and MAP variances exact from centred statistics, lost by bob\'s sums', () => {
    const near = problem(0);
    const far = problem(1e7);
    const o = { updateMeans: true, updateVariances: true, updateWeights: true, meanVarUpdateThreshold: 0 };
    const want = mlMStep(near.params, statsOf(near.samples, near.resp, near.params.means), o).variances;
    const got = mlMStep(far.params, statsOf(far.samples, far.resp, far.params.means), o).variances;
    expectClose(got, want, 1e-8);
    const lost = mlMStep(far.params, statsOf(far.samples, far.resp, null), o).variances;
    expect(Math.max(...lost.map((v, e) => Math.abs(v - want[e]) / want[e]))).toBeGreaterThan(1e-4);
    const map = (p: typeof near) =>
      mapMStep(p.params, p.params, statsOf(p.samples, p.resp, p.params.means), { ...o, relevanceFactor: 4, alpha: 0.5, varianceUpdate: 'reynolds' }).variances;
    expectClose(map(far), map(near), 1e-8);
  });
});
