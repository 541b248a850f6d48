/**
 * The GPU e-step kernels (E_STEP, LOG_LIKELIHOOD) against a float64 reference of
 * the same centred sums (centredCases.ts) on the jest project's backend: webgpu here
 * (Dawn on whatever adapter Node finds); webgl runs in Chromium (browserSuite.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { E_STEP, registerFusedKernels } from '../../kernels/register.js';
import { CENTRED_CASES, runKernel, unitProblem } from './centredCases.js';

registerFusedKernels();

/** The backends whose e-step kernels take the centred inputs so far. */
const CENTRED_BACKENDS = ['webgpu', 'webgl'];

if (CENTRED_BACKENDS.includes(tf.getBackend())) describe(`centred e-step kernels on ${tf.getBackend()}`, () => {
  test.each(CENTRED_CASES.map((c) => [c.name, c] as const))('%s', async (_, check) => {
    expect(await check.run()).toBeNull();
  });

  test('no intermediate is left on the backend', async () => {
    const p = unitProblem(300, 6, 10, 11);
    await runKernel(E_STEP, p); // compiles the programs once
    const before = tf.backend().numDataIds();
    await runKernel(E_STEP, p);
    expect(tf.backend().numDataIds()).toBe(before);
  });
});
