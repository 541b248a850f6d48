/**
 * Per-sample weights: integer weights give the model of repeated rows and zero weights that of
 * removed rows (1e-6 relative: the same sums in another order of float32 chunks), in EM, in
 * accStats, score and k-means; bad weights are INVALID_DATA naming the problem.
 */
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { MatrixPasses } from '../../src/data/passes.js';
import { toMatrix, withSampleWeight } from '../../src/data/matrix.js';
import { KMeansMachine } from '../../src/machines/KMeansMachine.js';
import { Random } from '../../src/math/random.js';
import { expectClose } from '../helpers/expectClose.js';
import { gaussian } from '../helpers/synthetic.js';
import { expectEmError } from '../hardening/helpers.js';

const rng = new Random(8);
const centres = [[0, 0, 0], [4, 1, -2], [-3, 3, 1]];
const rows = Array.from({ length: 300 }, (_, i) => centres[i % 3].map((c, j) => c + (0.6 + 0.3 * j) * gaussian(rng)));
/** 0, 1, 2 or 3 copies of each row. */
const weights = rows.map((_, i) => (i * 7) % 4);
const repeated = rows.flatMap((r, i) => Array.from({ length: weights[i] }, () => r));

function started(): GMMMachine {
  const m = new GMMMachine(3, { updateVariances: true, updateWeights: true, maxFittingSteps: 10, convergenceThreshold: null });
  m.means = [[0.5, 0, 0], [3, 1, -1], [-2, 2, 1]];
  m.variances = [[1, 1, 1], [1, 1, 1], [1, 1, 1]];
  return m;
}

const parameters = (m: GMMMachine) => [...m.weights, ...m.means, ...m.variances];

describe('sampleWeight', () => {
  test('EM: integer weights give the model of repeated rows, zero weights that of removed rows', async () => {
    const [weighted, copies] = [started(), started()];
    const averages: number[][] = [[], []];
    await weighted.fit(rows, { sampleWeight: weights, onStep: (s) => averages[0].push(s.averageLogLikelihood) });
    await copies.fit(repeated, { onStep: (s) => averages[1].push(s.averageLogLikelihood) });
    expectClose(parameters(weighted), parameters(copies), 1e-6, 1e-9);
    expectClose(averages[0], averages[1], 1e-6);
    weighted.dispose();
    copies.dispose();
  });

  test('accStats: t is the total weight, the statistics those of the repeated rows; score is the weighted mean', async () => {
    const m = started();
    const weighted = await m.accStats(rows, { sampleWeight: weights });
    const copies = await m.accStats(repeated);
    expect(weighted.t).toBe(repeated.length);
    expectClose(weighted.logLikelihood, copies.logLikelihood, 1e-6);
    expectClose(weighted.n, copies.n, 1e-6);
    expectClose(weighted.sumPxx, copies.sumPxx, 1e-6);
    // sum r x cancels between samples on either side of 0: 1e-6 relative, plus 1e-6 of the largest sum
    expectClose(weighted.sumPx, copies.sumPx, 1e-6, 1e-6 * Math.max(...copies.sumPx.map(Math.abs)));
    expectClose(await m.score(rows, { sampleWeight: weights }), await m.score(repeated), 1e-9);
    // weighted statistics keep a non-integer T through a file
    const fractional = await m.accStats(rows, { sampleWeight: weights.map((w) => w / 3) });
    expectClose((await GMMStats.fromHDF5(await fractional.toBytes())).t, repeated.length / 3, 1e-12);
    m.dispose();
  });

  test('k-means from given centroids: the centroids of the repeated rows', async () => {
    const initMethod = [[0.5, 0, 0], [3, 1, -1], [-2, 2, 1]];
    const weighted = await new KMeansMachine(3, { initMethod }).fit(rows, { sampleWeight: weights });
    const copies = await new KMeansMachine(3, { initMethod }).fit(repeated);
    expectClose(weighted.centroids, copies.centroids, 1e-6);
    const vw = await weighted.variancesAndWeightsOf(new MatrixPasses(withSampleWeight(await toMatrix(rows), weights)));
    const vc = await copies.getVariancesAndWeightsForEachCluster(repeated);
    expectClose(vw.weights, vc.weights, 1e-9);
    expectClose(vw.variances, vc.variances, 1e-5);
  });

  test('the k-means start never takes a row of weight 0 as a centroid', async () => {
    // far rows of weight 0: a start that took one would leave a Gaussian out there
    const far = [...rows, ...Array.from({ length: 50 }, () => [100, 100, 100])];
    const farWeights = [...weights, ...Array.from({ length: 50 }, () => 0)];
    for (const initMethod of ['random', 'k-means++', 'k-means||'] as const) {
      const km = await new KMeansMachine(3, { initMethod, maxIter: 1 }).fit(far, { sampleWeight: farWeights });
      expect(Math.max(...km.centroids)).toBeLessThan(20);
    }
  });

  test.each<[string, number[], string]>([
    ['a negative weight', [1, -1], 'sampleWeight must be finite and >= 0; weight 1 is -1'],
    ['NaN', [NaN, 1], 'sampleWeight must be finite and >= 0; weight 0 is NaN'],
    ['all zero', [0, 0], 'sampleWeight is 0 for every sample: nothing to fit'],
    ['another length', [1, 1, 1], 'sampleWeight has 3 values; the data have 2 samples'],
  ])('%s: INVALID_DATA', async (_, sampleWeight, message) => {
    const m = started();
    await expectEmError(() => m.fit([[0, 0, 0], [1, 1, 1]], { sampleWeight }), 'INVALID_DATA', message);
    await expectEmError(() => m.accStats([[0, 0, 0], [1, 1, 1]], { sampleWeight }), 'INVALID_DATA', message);
    await expectEmError(() => new KMeansMachine(1).fit([[0, 0, 0], [1, 1, 1]], { sampleWeight }), 'INVALID_DATA', message);
    m.dispose();
  });
});
