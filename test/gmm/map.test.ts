import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { EPSILON } from '../../src/math/constants.js';
import { expectClose } from '../helpers/expectClose.js';
import { readArray } from '../helpers/reference.js';
import { eStep64 } from '../helpers/float64Gmm.js';

const DATA = [[1, 2, 2], [2, 1, 2], [7, 8, 9], [7, 7, 8], [7, 9, 7]];

function prior(): GMMMachine {
  const ubm = new GMMMachine(2, { weights: [0.5, 0.5] });
  ubm.means = [[2, 2, 2], [8, 8, 8]];
  ubm.variances = [[1, 1, 1], [1, 1, 1]];
  return ubm;
}

/** Torch3vision's ML result on dataNormalized (5 Gaussians, floors 1e-3). */
async function torch3MlModel(): Promise<GMMMachine> {
  const g = new GMMMachine(5);
  g.varianceThresholds = 1e-3;
  g.means = (await readArray('meansAfterML.hdf5')).data;
  g.variances = (await readArray('variancesAfterML.hdf5')).data;
  g.weights = (await readArray('weightsAfterML.hdf5')).data;
  return g;
}

function adapt(ubm: GMMMachine, extra: object): GMMMachine {
  return new GMMMachine(2, {
    trainer: 'map', ubm, maxFittingSteps: 1, updateMeans: true, updateVariances: true, updateWeights: true, ...extra,
  });
}

describe('MAP adaptation', () => {
  test("bob's variance update: bob literals (means 1e-6 relative; variances floored at eps)", async () => {
    const ubm = prior();
    const m = adapt(ubm, { mapVarianceUpdate: 'bob' });
    const warnings: string[] = [];
    await m.fit(DATA, { onWarning: (w) => warnings.push(w.code) });
    expect(warnings).toEqual(['VARIANCE_AT_FLOOR']); // every variance on the floor
    expectClose(m.means, [1.83333333, 1.83333333, 2, 7.57142857, 8, 8], 1e-6);
    expectClose(m.variances, new Array(6).fill(EPSILON), 0, 0);
    expectClose(m.weights, [0.46226415, 0.53773585], 1e-6);
    ubm.dispose();
    m.dispose();
  });

  test('Reynolds eq. 13 (default): float64 formula on the same data (1e-6 relative)', async () => {
    const ubm = prior();
    const m = adapt(ubm, {});
    expect(m.mapVarianceUpdate).toBe('reynolds');
    await m.fit(DATA);
    const s = eStep64(DATA, { weights: [0.5, 0.5], means: [[2, 2, 2], [8, 8, 8]], variances: [[1, 1, 1], [1, 1, 1]] });
    const alpha = s.n.map((n) => n / (n + 4));
    const means = s.sumPx.map((row, k) => row.map((v, j) => alpha[k] * (v / s.n[k]) + (1 - alpha[k]) * ubm.means[k * 3 + j]));
    const variances = s.sumPxx.map((row, k) =>
      row.map((v, j) => {
        const mu = ubm.means[k * 3 + j];
        return alpha[k] * (v / s.n[k]) + (1 - alpha[k]) * (1 + mu * mu) - means[k][j] ** 2;
      }),
    );
    expectClose(m.means, means.flat(), 1e-6);
    expectClose(m.variances, variances.flat(), 1e-6);
    for (const v of m.variances) expect(v).toBeGreaterThan(0.5);
    ubm.dispose();
    m.dispose();
  });

  test('Gaussians with n below meanVarUpdateThreshold keep the UBM means and variances', async () => {
    const ubm = new GMMMachine(2);
    ubm.means = [[0, 0], [1000, 1000]];
    ubm.variances = [[1, 2], [3, 4]];
    const m = adapt(ubm, { meanVarUpdateThreshold: 1e-3 });
    await m.fit([[0.5, 0.1], [-0.3, 0.2]]);
    expect(Array.from(m.means.slice(2))).toEqual([1000, 1000]);
    expect(Array.from(m.variances.slice(2))).toEqual([3, 4]);
    expectClose(m.weights.reduce((a, b) => a + b, 0), 1, 1e-12);
    ubm.dispose();
    m.dispose();
  });

  test('Torch3vision MAP, fixed alpha 0.5, one step, means only: means within 0.2, variances and weights 1e-4', async () => {
    const ubm = await torch3MlModel();
    const m = new GMMMachine(5, {
      trainer: 'map', ubm, maxFittingSteps: 1, mapRelevanceFactor: null, mapAlpha: 0.5, meanVarUpdateThreshold: 1e-5,
    });
    const data = await readArray('dataforMAP.hdf5');
    await m.fit({ data: data.data, shape: [630, 45] });
    expectClose(m.means, (await readArray('meansAfterMAP.hdf5')).data, 0, 0.2);
    expectClose(m.variances, (await readArray('variancesAfterMAP.hdf5')).data, 0, 1e-4);
    expectClose(m.weights, (await readArray('weightsAfterMAP.hdf5')).data, 0, 1e-4);
    ubm.dispose();
    m.dispose();
  });

  test('Torch3vision model scores dataforMAP at -1.50379e+06 per sample (1e-4 relative)', async () => {
    const g = await torch3MlModel();
    const data = await readArray('dataforMAP.hdf5');
    expectClose(await g.score({ data: data.data, shape: [630, 45] }), -1.50379e6, 1e-4);
    g.dispose();
  });

  test('MAP constructor errors: no UBM; a UBM with another number of Gaussians', () => {
    expect(() => new GMMMachine(2, { trainer: 'map' })).toThrow(/UBM is required/);
    const ubm = new GMMMachine(3);
    expect(() => new GMMMachine(2, { trainer: 'map', ubm })).toThrow(/3 Gaussians, this one 2/);
  });
});
