// Backend selection within a test file of this project's backend (set up by test/setup/backend.ts).
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { ensureBackend, getBackendInfo, useBackend } from '../../src/backend/index.js';
import type { BackendName } from '../../src/backend/index.js';
import { TfjsEmError } from '../../src/errors.js';

const project = (globalThis as { TFJS_EM_TEST_BACKEND?: string }).TFJS_EM_TEST_BACKEND as BackendName;

function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

async function rejection(promise: Promise<unknown>): Promise<TfjsEmError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TfjsEmError);
  return error as TfjsEmError;
}

describe('useBackend / ensureBackend', () => {
  test("the project's backend runs and getBackendInfo names it", async () => {
    expect(await useBackend(project)).toBe(project);
    expect(tf.getBackend()).toBe(project);
    expect(getBackendInfo().name).toBe(project);
  });

  test('ensureBackend keeps the backend that is set, with or without a request for it', async () => {
    expect(await ensureBackend()).toBe(project);
    expect(await ensureBackend(project)).toBe(project);
    expect(tf.getBackend()).toBe(project);
  });

  test('ensureBackend keeps a backend the user set through tf.js', async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    expect(await ensureBackend()).toBe('cpu');
    expect(await useBackend(project)).toBe(project);
  });

  test('an unknown name is INVALID_ARGUMENT', async () => {
    const error = await rejection(useBackend('gpu' as BackendName));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/cpu, wasm, webgpu, webgl, tensorflow, auto/);
  });

  test('webgl in Node is BACKEND_UNAVAILABLE, and the backend that ran still runs', async () => {
    const error = await rejection(useBackend('webgl'));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toMatch(/browser/);
    expect(tf.getBackend()).toBe(project);
    expect((await tf.sum(tf.ones([3])).data())[0]).toBe(3);
  });

  const tfjsNode = installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu');
  (tfjsNode ? test.skip : test)('tensorflow without tfjs-node says how to install it', async () => {
    const error = await rejection(useBackend('tensorflow'));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toMatch(/npm install @tensorflow\/tfjs-node/);
    expect(tf.getBackend()).toBe(project);
  });
});

describe('getBackendInfo', () => {
  test('limits for this backend', () => {
    const { limits, adapter } = getBackendInfo();
    expect(limits.maxChunkBytes).toBeGreaterThan(0);
    if (project === 'webgpu') {
      expect(adapter).toEqual(expect.any(String));
      expect(limits.maxChunkBytes).toBeLessThanOrEqual(limits.maxStorageBufferBindingSize!);
      expect(limits.maxChunkBytes).toBeLessThanOrEqual(limits.maxBufferSize!);
    }
    if (project === 'wasm') {
      expect(typeof limits.simd).toBe('boolean');
      expect(limits.threads).toBeGreaterThanOrEqual(1);
    }
  });
});
