import * as tf from '@tensorflow/tfjs-core';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { EPSILON } from '../../src/math/constants.js';
import { expectClose } from '../helpers/expectClose.js';
import { readArray } from '../helpers/reference.js';
import { eStep64, mlStep64, Gmm64 } from '../helpers/float64Gmm.js';
import { clusters } from '../helpers/synthetic.js';

function allUpdates(k: number, extra: object = {}): GMMMachine {
  return new GMMMachine(k, { updateMeans: true, updateVariances: true, updateWeights: true, ...extra });
}

describe('ML training', () => {
  test('Torch3vision ML on 630 x 45 (5 Gaussians, floors 1e-3): means and variances within 3e-3, weights 1e-4', async () => {
    const data = await readArray('dataNormalized.hdf5');
    const m = allUpdates(5, { convergenceThreshold: 1e-6, maxFittingSteps: 25, meanVarUpdateThreshold: 1e-3 });
    m.varianceThresholds = 1e-3;
    m.means = (await readArray('meansAfterKMeans.hdf5')).data;
    m.variances = (await readArray('variancesAfterKMeans.hdf5')).data;
    m.weights = (await readArray('weightsAfterKMeans.hdf5')).data.map(Math.exp);
    await m.fit({ data: data.data, shape: [630, 45] });
    expectClose(m.means, (await readArray('meansAfterML.hdf5')).data, 0, 3e-3);
    expectClose(m.variances, (await readArray('variancesAfterML.hdf5')).data, 0, 3e-3);
    expectClose(m.weights, (await readArray('weightsAfterML.hdf5')).data, 0, 1e-4);
    m.dispose();
  });

  test('data offset by 1e3, unit variances, 10 ML steps: agrees with float64 EM (variances 1e-4 relative)', async () => {
    const centres = [[1000, 1000, 1000], [1004, 1000, 997], [997, 1003, 1001]];
    const data = clusters(centres, 300, 1, 7);
    const start: Gmm64 = {
      weights: [0.3, 0.3, 0.4],
      means: [[1000.5, 999.5, 1000], [1003, 1001, 998], [998, 1002, 1000]],
      variances: [[2, 2, 2], [2, 2, 2], [2, 2, 2]],
    };
    let ref = start;
    for (let i = 0; i < 10; i++) ref = mlStep64(eStep64(data, ref), EPSILON, EPSILON);
    const m = allUpdates(3, { maxFittingSteps: 10, convergenceThreshold: null, weights: start.weights });
    m.means = start.means;
    m.variances = start.variances;
    await m.fit(data);
    expect(m.nIter).toBe(10);
    expectClose(m.variances, ref.variances.flat(), 1e-4);
    expectClose(m.means, ref.means.flat(), 1e-7);
    expectClose(m.weights, ref.weights, 1e-4);
    m.dispose();
  });

  test('stopping rule: reports each step and stops at the convergence threshold', async () => {
    const data = clusters([[0, 0], [5, 5]], 100, 1, 3);
    const steps: number[] = [];
    const values: (number | null)[] = [];
    const m = allUpdates(2, { convergenceThreshold: 1e-4 });
    m.means = [[1, 1], [4, 4]];
    m.variances = [[1, 1], [1, 1]];
    await m.fit(data, { onStep: (s) => (steps.push(s.step), values.push(s.convergenceValue)) });
    expect(steps).toEqual(steps.map((_, i) => i + 1));
    expect(values[0]).toBeNull();
    expect(values[values.length - 1]!).toBeLessThanOrEqual(1e-4);
    for (const v of values.slice(1, -1)) expect(v!).toBeGreaterThan(1e-4);
    expect(m.converged).toBe(true);
    expect(m.nIter).toBe(steps.length);
    m.dispose();
  });

  test('maxFittingSteps bounds the fit; an aborted fit keeps its last complete step', async () => {
    const data = clusters([[0, 0], [5, 5]], 50, 1, 4);
    const m = allUpdates(2, { convergenceThreshold: null, maxFittingSteps: 3 });
    m.means = [[1, 1], [4, 4]];
    m.variances = [[1, 1], [1, 1]];
    await m.fit(data);
    expect(m.nIter).toBe(3);
    expect(m.converged).toBe(false);
    const controller = new AbortController();
    const n = allUpdates(2, { convergenceThreshold: null, maxFittingSteps: 50 });
    n.means = [[1, 1], [4, 4]];
    n.variances = [[1, 1], [1, 1]];
    await expect(n.fit(data, { onStep: (s) => s.step === 2 && controller.abort(), signal: controller.signal })).rejects.toThrow();
    expect(n.nIter).toBe(2);
    m.dispose();
    n.dispose();
  });

  test('a fit leaves tf.memory().numTensors where it was; dispose() frees the variables', async () => {
    const data = clusters([[0, 0], [5, 5]], 50, 1, 5);
    const before = tf.memory().numTensors;
    const m = allUpdates(2, { maxFittingSteps: 5 });
    m.means = [[1, 1], [4, 4]];
    m.variances = [[1, 1], [1, 1]];
    await m.fit(data);
    const held = tf.memory().numTensors;
    expect(held - before).toBe(3);
    await m.fit(data);
    await m.logLikelihood(data);
    expect(tf.memory().numTensors).toBe(held);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('e-step implementations', () => {
  // Both take direct differences and moments about each Gaussian's centre, but sum in different
  // orders in float32; three EM steps on Gaussians of ~10 samples amplify that to a few 1e-6
  // (data units, data of scale ~2): 1e-5 relative with a 2e-5 absolute floor.
  test("a model with K * D > 1024: eStep 'fused' and 'plain' give the same fit (1e-5 relative + 2e-5 absolute)", async () => {
    const centres = Array.from({ length: 4 }, (_, c) => Array.from({ length: 30 }, (_, j) => ((c * 7 + j) % 5) - 2));
    const data = clusters(centres, 100, 1, 11);
    const start = clusters(centres, 10, 1, 12);
    const fitWith = async (eStep: 'fused' | 'plain') => {
      const m = allUpdates(40, { maxFittingSteps: 3, convergenceThreshold: null, eStep });
      m.varianceThresholds = 1e-2;
      m.means = start;
      m.variances = start.map((row) => row.map(() => 1));
      await m.fit(data);
      const result = { means: m.means, variances: m.variances, weights: m.weights, ll: await m.logLikelihood(data) };
      m.dispose();
      return result;
    };
    const plain = await fitWith('plain');
    const fused = await fitWith('fused');
    expectClose(fused.means, plain.means, 1e-5, 2e-5);
    expectClose(fused.variances, plain.variances, 1e-5, 2e-5);
    expectClose(fused.weights, plain.weights, 1e-5, 2e-5);
    expectClose(fused.ll, plain.ll, 1e-5); // per-sample values up to ~35 with variances on the 1e-2 floor
  });
});
