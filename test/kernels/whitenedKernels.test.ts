/**
 * The full and tied e-step and scoring kernels on the jest project's backend, fused (cpu and
 * wasm: the host wasm SIMD kernels; webgpu: the WGSL responsibilities program) and plain,
 * against float64 sums (the cases and tolerances: whitenedCases.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerEStepKernels } from '../../kernels/register.js';
import { FULL_E_STEP, TIED_LOG_LIKELIHOOD } from '../../kernels/fullKernelNames.js';
import { plainKernelConfigs } from '../../kernels/plain/plainKernels.js';
import { caseName, runWhitenedCase, whitenedCases } from './whitenedCases.js';

registerEStepKernels();
/** Where fused kernels serve full and tied covariances (host wasm SIMD; WGSL; GLSL). */
const fusedHere = ['cpu', 'wasm', 'webgpu', 'webgl'].includes(tf.getBackend());

describe.each(fusedHere ? (['fused', 'plain'] as const) : (['plain'] as const))(`full and tied kernels on ${tf.getBackend()}, %s`, (mode) => {
  test.each(whitenedCases.map((c) => [caseName(c), c] as const))('%s', async (_name, c) => {
    await runWhitenedCase(c, mode);
  });
});

test("'fused' on a backend without fused full and tied kernels is an error naming it", () => {
  // every backend here has them: the plain-ops kernels a backend without them gets are called as the engine would
  const kernels = plainKernelConfigs('someBackend');
  for (const [name, what] of [[FULL_E_STEP, 'full-covariance e-step'], [TIED_LOG_LIKELIHOOD, 'tied-covariance log-likelihood']]) {
    const config = kernels.find((c) => c.kernelName === name)!;
    const call = () => config.kernelFunc({ inputs: {}, backend: tf.backend(), attrs: { fusedOnly: true } } as never);
    expect(call).toThrow(`No fused ${what} kernel is registered for the 'someBackend' backend`);
  }
});
