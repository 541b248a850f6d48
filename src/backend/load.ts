import * as tf from '@tensorflow/tfjs-core';
import type { ConcreteBackend } from './names.js';
import { nodeOnly } from './nodeOnly.js';
import { isNode } from './runtime.js';
import { backendUnavailable, describeError } from './unavailable.js';
import { loadWebGPU } from './webgpu.js';

let wasmModule: { getThreadsCount(): number } | null = null;

/**
 * Registers tf.js's backend `name`, importing its package on first use (never
 * before: a backend nobody asks for is never loaded). Throws BACKEND_UNAVAILABLE.
 * With gpuOnly, 'tensorflow' is looked for in @tensorflow/tfjs-node-gpu alone.
 */
export async function loadBackend(name: ConcreteBackend, gpuOnly = false): Promise<void> {
  try {
    if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
    if (name === 'wasm') wasmModule = await import('@tensorflow/tfjs-backend-wasm');
    if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
    if (name === 'webgpu') await loadWebGPU();
    if (name === 'tensorflow') await loadTensorflow(gpuOnly);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'BACKEND_UNAVAILABLE') throw error;
    throw backendUnavailable(name, `its package did not load: ${describeError(error)}`);
  }
  if (tf.findBackendFactory(name) === null) {
    throw backendUnavailable(name, name === 'webgl' ? 'this runtime is not a browser' : 'its package registered no backend');
  }
}

/** Threads of the wasm backend, once loaded and initialised. */
export function wasmThreads(): number | undefined {
  try {
    return wasmModule?.getThreadsCount();
  } catch {
    return undefined;
  }
}

async function loadTensorflow(gpuOnly: boolean): Promise<void> {
  if (!isNode()) throw backendUnavailable('tensorflow', 'it runs only in Node');
  const loaded = await (await nodeOnly()).importTfjsNode(gpuOnly);
  if (loaded === null) {
    throw backendUnavailable('tensorflow', `${gpuOnly ? '@tensorflow/tfjs-node-gpu is' : 'neither @tensorflow/tfjs-node nor @tensorflow/tfjs-node-gpu is'} installed`);
  }
  if (tf.findBackendFactory('tensorflow') === null) {
    throw backendUnavailable('tensorflow', `${loaded} registered its backend with another copy of @tensorflow/tfjs-core (this one is ${tf.version_core}): install matching versions`);
  }
}
