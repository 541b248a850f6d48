import * as tf from '@tensorflow/tfjs-core';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { expectClose } from '../helpers/expectClose.js';
import { faithful } from '../helpers/reference.js';
import { eStep64 } from '../helpers/float64Gmm.js';

// bob's own checks are in reference.test.ts; these cover what bob does not check.

function machine(means: number[][], variances: number[][], weights?: number[]): GMMMachine {
  const m = new GMMMachine(means.length, { weights });
  m.means = means;
  m.variances = variances;
  return m;
}

describe('e-step statistics', () => {
  test('statsPerSample gives one GMMStats per item, matching accStats', async () => {
    const m = machine([[0, 0, 0], [8, 8, 8]], [[1, 1, 1], [1, 1, 1]]);
    const items = [[[1, 2, 3]], [[4, 5, 6], [7, 8, 9]]];
    const perItem = await m.statsPerSample(items);
    expect(perItem).toHaveLength(2);
    expect(perItem[0].t).toBe(1);
    expect(perItem[1].isSimilarTo(await m.accStats(items[1]))).toBe(true);
    const total = perItem[0].add(perItem[1]);
    expect(total.isSimilarTo(await m.accStats([[1, 2, 3], [4, 5, 6], [7, 8, 9]]))).toBe(true);
    m.dispose();
  });

  test('chunked accumulation equals one chunk (chunkSize 7 on 272 samples)', async () => {
    const data = await faithful();
    const one = machine([[3, 70], [4, 72]], [[1, 10], [2, 5]]);
    const chunked = machine([[3, 70], [4, 72]], [[1, 10], [2, 5]]);
    chunked.chunkSize = 7;
    const a = await one.accStats(data);
    const b = await chunked.accStats(data);
    expectClose(b.n, a.n, 1e-5);
    expectClose(b.sumPxx, a.sumPxx, 1e-5);
    expect(b.t).toBe(272);
    one.dispose();
    chunked.dispose();
  });

  test('a Gaussian far from every sample gets exactly zero responsibility and no NaN', async () => {
    const m = machine([[0, 0], [5, 5], [1e4, 1e4]], [[1, 1], [1, 1], [1, 1]], [0.4, 0.4, 0.2]);
    const stats = await m.accStats([[0, 1], [5, 4], [4, 4]]);
    for (const v of [...stats.n, ...stats.sumPx, ...stats.sumPxx]) expect(Number.isFinite(v)).toBe(true);
    expect(stats.n[2]).toBe(0);
    expect(Number.isFinite(stats.logLikelihood)).toBe(true);
    m.dispose();
  });

  test('a sample whose log-likelihood is -Inf under every Gaussian (float32 overflow) gives -Inf, not NaN', async () => {
    // A tensor reaches the kernels as it is; host arrays are checked first (next test).
    const m = machine([[0], [1]], [[1], [1]]);
    const x = tf.tensor2d([[0], [1e25]]);
    const stats = await m.accStats(x);
    expect(stats.logLikelihood).toBe(-Infinity);
    expectClose(stats.n, [0.6224593312018546, 0.3775406687981454], 1e-6);
    const one = tf.tensor2d([[1e25]]);
    expect(Array.from(await m.logLikelihood(one))).toEqual([-Infinity]);
    tf.dispose([x, one]);
    m.dispose();
  });

  test('a host value too far from the model for float32 squares is INVALID_DATA naming its row and column', async () => {
    const m = machine([[0], [1]], [[1], [1]]);
    await expect(m.accStats([[0], [1e25]])).rejects.toThrow(/row 1, column 0 holds 1e\+25.*remove or rescale that row/);
    m.dispose();
  });

  test('matches a float64 e-step on data offset by 1e3 (centred before squaring)', async () => {
    const data: number[][] = [];
    for (let i = 0; i < 200; i++) data.push([1000 + Math.sin(i) * 2, 1000 + Math.cos(3 * i)]);
    const g = { weights: [0.3, 0.7], means: [[999, 1000.5], [1001, 999.5]], variances: [[1, 0.5], [2, 0.8]] };
    const m = machine(g.means, g.variances, g.weights);
    const stats = await m.accStats(data);
    const ref = eStep64(data, g);
    expectClose(stats.n, ref.n, 1e-5);
    expectClose(stats.sumPx, ref.sumPx.flat(), 1e-6);
    expectClose(stats.sumPxx, ref.sumPxx.flat(), 1e-6);
    expectClose(stats.logLikelihood, ref.logLikelihood, 1e-5);
    m.dispose();
  });
});

describe('log-likelihoods', () => {
  const data = [[1, 1, 1], [-1, 0, 0], [0, 0, 1], [2, 2, 2]];
  const means = [[0, 0, 0], [1, 1, 1], [-1, -1, -1]];
  const unit = [[1, 1, 1], [1, 1, 1], [1, 1, 1]];

  test('logWeightedLikelihood is [nGaussians, nSamples] and reduces to logLikelihood', async () => {
    const m = machine(means, unit, [0.6, 0.1, 0.3]);
    const lwl = await m.logWeightedLikelihood(data);
    expect(lwl.shape).toEqual([3, 4]);
    const reduced = [0, 1, 2, 3].map((i) => Math.log([0, 1, 2].reduce((s, k) => s + Math.exp(lwl.data[k * 4 + i]), 0)));
    expectClose(reduced, await m.logLikelihood(data), 1e-6);
    m.dispose();
  });
});
