/**
 * Device memory: many fits and scorings leave tf.memory() where it started, on every
 * backend project (cpu, wasm, webgpu). A leak of one tensor per call shows as +1000.
 */
import * as tf from '@tensorflow/tfjs-core';
import { blobs, emErrorOf, givenMachine } from './helpers.js';

const data = blobs([[0, 0], [4, 4]], 25, 1, 5); // 50 x 2
const ROUNDS = 1000;

function memory(): { numTensors: number; numBytes: number } {
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes };
}

describe('device memory after many calls', () => {
  test(`${ROUNDS} x (new machine, fit 1 ML step, logLikelihood, dispose): numTensors and numBytes unchanged`, async () => {
    const before = memory();
    for (let i = 0; i < ROUNDS; i++) {
      const m = givenMachine([[0.5, 0], [4, 3.5]], [[1, 1], [1, 1]], { maxFittingSteps: 1 });
      await m.fit(data);
      await m.logLikelihood(data);
      m.dispose();
    }
    expect(memory()).toEqual(before);
  });

  test(`one machine refitted ${ROUNDS / 10} times (1 step each, tensor input), scored, and refused bad data: only its three variables stay`, async () => {
    const before = memory();
    const x = tf.tensor2d(Array.from(data.data), data.shape, 'float32');
    const bad = tf.tensor2d([[0, NaN]]);
    const m = givenMachine([[0.5, 0], [4, 3.5]], [[1, 1], [1, 1]], { maxFittingSteps: 1 });
    await m.fit(x);
    const held = memory();
    expect(held.numTensors).toBe(before.numTensors + 5); // x, bad, and the e-step's nu, h and c
    for (let i = 1; i < ROUNDS / 10; i++) {
      await m.fit(x);
      await m.logLikelihood(data);
      expect((await emErrorOf(() => m.logLikelihood(bad))).code).toBe('INVALID_DATA');
    }
    expect(memory()).toEqual(held);
    m.dispose();
    tf.dispose([x, bad]);
    expect(memory()).toEqual(before);
  });
});
