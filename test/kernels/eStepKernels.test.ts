/**
 * The e-step and log-likelihood ops on the jest project's backend (cpu and wasm: the
 * host wasm SIMD kernels; webgpu: the WGSL programs; webgl runs in Chromium,
 * browserSuite.ts), by the fused kernels and by the plain ops, against a float64
 * reference of the same centred sums (centredCases.ts, tolerances there).
 */
import * as tf from '@tensorflow/tfjs-core';
import { E_STEP, hasFusedEStep, registerEStepKernels } from '../../kernels/register.js';
import { plainKernelConfigs } from '../../kernels/plain/plainKernels.js';
import { casesFor, runPath, unitProblem } from './centredCases.js';

registerEStepKernels();

describe.each(['fused', 'plain'] as const)(`%s e-step on ${tf.getBackend()}`, (mode) => {
  test.each(casesFor(mode).map((c) => [c.name, c] as const))('%s', async (_, check) => {
    expect(await check.run(mode)).toBeNull();
  });

  test('no tensor or backend data is left behind', async () => {
    const p = unitProblem(300, 6, 10, 11);
    await runPath('eStep', p, mode); // compiles whatever the backend compiles once
    const tensors = tf.memory().numTensors;
    const data = tf.backend().numDataIds();
    await runPath('eStep', p, mode);
    await runPath('logLikelihood', p, mode);
    expect([tf.memory().numTensors, tf.backend().numDataIds()]).toEqual([tensors, data]);
  });
});

test("'auto' is the fused kernel on this backend", async () => {
  expect(hasFusedEStep(tf.getBackend())).toBe(true);
  const p = unitProblem(257, 9, 17, 5);
  expect(Array.from(await runPath('eStep', p, 'auto'))).toEqual(Array.from(await runPath('eStep', p, 'fused')));
  expect(Array.from(await runPath('logLikelihood', p, 'auto'))).toEqual(Array.from(await runPath('logLikelihood', p, 'fused')));
});

test("a backend without fused kernels runs the plain ops under 'auto' and refuses 'fused'", () => {
  expect(hasFusedEStep('tensorflow')).toBe(false);
  const [eStep, logLikelihood] = plainKernelConfigs('tensorflow');
  expect(eStep.kernelName).toBe(E_STEP);
  for (const kernel of [eStep, logLikelihood]) {
    const run = () => kernel.kernelFunc({ inputs: {}, attrs: { fusedOnly: true }, backend: tf.backend() });
    expect(run).toThrow(/No fused .* kernel is registered for the 'tensorflow' backend/);
  }
});
