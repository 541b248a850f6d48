/**
 * The browser side of test/kernels/browserSuite.ts: fused against plain e-step on the
 * backend the test selects (webgl: the GLSL kernel; webgpu: the WGSL kernel; wasm: the
 * host wasm SIMD kernel, one thread), and the centred kernels against their float64 reference.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { registerFusedKernels } from '../../../kernels/register.js';
import { installWebGPUFallback } from '../../../web/src/webgpuFallback.js';
import { CENTRED_CASES } from '../centredCases.js';
import { SHAPES, bothPaths, mismatch, problem } from '../fusedCases.js';

installWebGPUFallback();
registerFusedKernels();

const api = {
  /** null when the backend runs; otherwise why not. */
  async setBackend(name: string): Promise<string | null> {
    try {
      return (await tf.setBackend(name)) ? null : `tf.setBackend('${name}') failed`;
    } catch (error) {
      return String(error);
    }
  },

  /** For each shape: null when fused matches plain, else the mismatch. */
  async compare(): Promise<(string | null)[]> {
    const out: (string | null)[] = [];
    for (const [n, d, k] of SHAPES) {
      const { fused, plain } = await bothPaths(problem(n, d, k, n + d + k));
      out.push(mismatch(fused, plain, d, k));
    }
    return out;
  },

  /** The packed output with all Gaussians at zero weight: [last value, any non-zero statistic]. */
  async deadRows(): Promise<[number, boolean]> {
    const { fused } = await bothPaths(problem(300, 4, 9, 3, Array(9).fill(0)));
    return [fused[fused.length - 1], Array.from(fused.subarray(0, fused.length - 1)).some((v) => v !== 0)];
  },

  /** Each centred case (centredCases.ts): [name, null when it passes, else what differs]. */
  async centred(): Promise<[string, string | null][]> {
    const out: [string, string | null][] = [];
    for (const check of CENTRED_CASES) out.push([check.name, await check.run().catch((error: unknown) => String(error))]);
    return out;
  },
};

(window as unknown as { tfjsEmKernels: typeof api }).tfjsEmKernels = api;
