/**
 * The browser side of test/kernels/browserSuite.ts: the e-step and log-likelihood
 * ops on the backend the test selects (webgl: GLSL programs; webgpu: WGSL programs;
 * wasm: the host wasm SIMD kernel, one thread), fused and plain, against the float64
 * references of centredCases.ts and (full and tied covariances) whitenedCases.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { registerEStepKernels } from '../../../kernels/register.js';
import { installWebGPUFallback } from '../../../web/src/webgpuFallback.js';
import { casesFor } from '../centredCases.js';
import { caseName, runWhitenedCase, whitenedCases } from '../whitenedCases.js';

installWebGPUFallback();
registerEStepKernels();

const api = {
  /** null when the backend runs; otherwise why not. */
  async setBackend(name: string): Promise<string | null> {
    try {
      return (await tf.setBackend(name)) ? null : `tf.setBackend('${name}') failed`;
    } catch (error) {
      return String(error);
    }
  },

  /** Each case (centredCases.ts) by one path: [name, null when it passes, else what differs]. */
  async centred(mode: 'fused' | 'plain'): Promise<[string, string | null][]> {
    const out: [string, string | null][] = [];
    for (const check of casesFor(mode)) out.push([check.name, await check.run(mode).catch((error: unknown) => String(error))]);
    return out;
  },

  /** The full and tied cases (whitenedCases.ts) by one path: [name, null when it passes, else what differs]. */
  async whitened(mode: 'fused' | 'plain'): Promise<[string, string | null][]> {
    const out: [string, string | null][] = [];
    for (const c of whitenedCases) out.push([caseName(c), await runWhitenedCase(c, mode).then(() => null, (error: unknown) => String(error))]);
    return out;
  },
};

(window as unknown as { tfjsEmKernels: typeof api }).tfjsEmKernels = api;
