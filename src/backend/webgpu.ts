/// <reference types="@webgpu/types/dist" />
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { nodeOnly } from './nodeOnly.js';
import { isNode } from './runtime.js';
import { backendUnavailable, describeError } from './unavailable.js';

/** tf.js's own priority for webgpu. */
const PRIORITY = 3;
/** Whether navigator.gpu may be ours to drop (Node). */
let providedInNode = false;

/**
 * Makes tf.js's 'webgpu' backend available (in Node, navigator.gpu from Dawn)
 * and returns the adapter it will run on. Throws BACKEND_UNAVAILABLE without one.
 */
export async function loadWebGPU(): Promise<GPUAdapterInfo> {
  if (isNode()) {
    try {
      providedInNode = true;
      await (await nodeOnly()).provideGpu();
    } catch (error) {
      throw backendUnavailable('webgpu', `Dawn (npm webgpu) did not load: ${describeError(error)}`);
    }
  }
  if (globalThis.navigator?.gpu === undefined) throw backendUnavailable('webgpu', 'this runtime has no navigator.gpu');
  const adapter = await requestAdapter().catch(() => null);
  if (adapter === null) {
    await releaseWebGPU();
    throw backendUnavailable('webgpu', 'navigator.gpu gives no adapter (no GPU or Vulkan driver found)');
  }
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  // The package registers its own factory on import only where navigator.gpu
  // already existed; in Node, and after releaseWebGPU removed it, ours stands in.
  if (tf.findBackendFactory('webgpu') === null) tf.registerBackend('webgpu', () => createBackend(WebGPUBackend), PRIORITY);
  return adapterInfo(adapter);
}

/** Whether the adapter runs on the CPU (lavapipe, SwiftShader): slower here than wasm (docs/backends.md). */
export function isSoftwareAdapter(info: Pick<GPUAdapterInfo, 'architecture' | 'description' | 'device'>): boolean {
  const text = `${info.architecture} ${info.description} ${info.device}`;
  return (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true || /software|llvmpipe|lavapipe|swiftshader/i.test(text);
}

/**
 * Removes tf.js's webgpu backend (its tensors become invalid), destroys its
 * device and, in Node, drops the Dawn instance so the process can exit.
 */
export async function releaseWebGPU(): Promise<void> {
  const backend = tf.engine().registry['webgpu'] as WebGPUBackend | undefined;
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  backend?.device.destroy();
  if (providedInNode) (await nodeOnly()).dropGpu();
  providedInNode = false;
}

function requestAdapter(): Promise<GPUAdapter | null> {
  return navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
}

/**
 * tf.js's factory less its optional features (timestamp queries, which it only
 * uses to profile, and bgra8unorm-storage, for canvas output): the device gets
 * the adapter's largest limits, which bound our chunks (limits.ts).
 */
async function createBackend(Backend: typeof WebGPUBackend): Promise<WebGPUBackend> {
  const adapter = await requestAdapter();
  if (adapter === null) throw new Error('navigator.gpu gives no adapter');
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  });
  return new Backend(device, adapterInfo(adapter));
}

/** GPUAdapter.info: newer than the @webgpu/types that tf.js pins. */
function adapterInfo(adapter: GPUAdapter): GPUAdapterInfo {
  return (adapter as GPUAdapter & { info: GPUAdapterInfo }).info;
}
