/**
 * The browser side of test/browser/reference.<backend>.test.ts: the shared reference and
 * covariance cases, run against
 * the library bundle (this import of src/index.js becomes 'tfjs-em' when bundled) on the
 * backend the test selects.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { EPSILON, GMMMachine } from '../../../src/index.js';
import { referenceCases } from '../../helpers/referenceCases.js';
import { covarianceCases } from '../../helpers/covarianceCases.js';
import { installWebGPUFallback } from '../../../web/src/webgpuFallback.js';
import { pageReference } from './reference.js';

export interface CaseResult {
  ok: boolean;
  error?: string;
  ms: number;
}

installWebGPUFallback();

const api = {
  /** null when the backend runs; otherwise why not. */
  async setBackend(name: string): Promise<string | null> {
    try {
      if (!(await tf.setBackend(name))) return `tf.setBackend('${name}') failed (see the browser console)`;
      await tf.ready();
      return null;
    } catch (error) {
      return String(error);
    }
  },

  async run(name: string): Promise<CaseResult> {
    const c = referenceCases.find((r) => r.name === name) ?? covarianceCases.find((r) => r.name === name);
    if (c === undefined) return { ok: false, error: `no case named ${name}`, ms: 0 };
    const start = performance.now();
    try {
      await c.run({ GMMMachine, EPSILON }, pageReference);
      return { ok: true, ms: performance.now() - start };
    } catch (error) {
      return { ok: false, error: String((error as Error)?.stack ?? error), ms: performance.now() - start };
    }
  },
};

(window as unknown as { tfjsEm: typeof api }).tfjsEm = api;
