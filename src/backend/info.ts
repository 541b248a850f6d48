/// <reference types="@webgpu/types/dist" />
import * as tf from '@tensorflow/tfjs-core';
import { activeBackend, activeInstance } from './active.js';
import { wasmThreads } from './load.js';

export interface BackendLimits {
  /** Bytes of the largest tensor the library makes per chunk here (see limits.ts). */
  maxChunkBytes: number;
  /** WebGPU: the device's limits on one storage-buffer binding and one buffer. */
  maxStorageBufferBindingSize?: number;
  maxBufferSize?: number;
  /** WebGL: MAX_TEXTURE_SIZE. */
  maxTextureSize?: number;
  /** wasm: SIMD, and the threads XNNPACK runs (1 in Node: tf.js turns threads off there). */
  simd?: boolean;
  threads?: number;
}

export interface BackendInfo {
  /** The tf.js backend that runs; 'none' before one is set. */
  name: string;
  /** The device: WebGPU adapter, WebGL renderer or TensorFlow's device. */
  adapter?: string;
  limits: BackendLimits;
}

/** One chunk intermediate on a host backend (cpu, wasm, tensorflow): wasm's heap holds several within 4 GiB. */
const HOST_MAX_CHUNK_BYTES = 256 * 1024 * 1024;

/** What runs, on what, and the limits that bound the library's chunks. Starts nothing. */
export function getBackendInfo(): BackendInfo {
  const name = activeBackend() ?? 'none';
  const info = describe(name);
  const device = Math.min(info.limits.maxStorageBufferBindingSize ?? Infinity, info.limits.maxBufferSize ?? Infinity, textureBytes(info.limits.maxTextureSize));
  info.limits.maxChunkBytes = Math.min(HOST_MAX_CHUNK_BYTES, device);
  return info;
}

function describe(name: string): BackendInfo {
  const limits: BackendLimits = { maxChunkBytes: HOST_MAX_CHUNK_BYTES };
  if (name === 'webgpu') {
    const backend = activeInstance<{ device: GPUDevice; adapterInfo: Partial<GPUAdapterInfo> }>();
    const device = backend?.device;
    if (device === undefined) return { name, limits };
    // GPUDevice.adapterInfo is recent; tf.js keeps vendor and architecture.
    const a: Partial<GPUAdapterInfo> = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo ?? backend?.adapterInfo ?? {};
    const adapter = `${a.vendor ?? ''} ${a.architecture ?? ''}${a.description || a.device ? `: ${a.description || a.device}` : ''}`.trim() || undefined;
    return { name, adapter, limits: { ...limits, maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize, maxBufferSize: device.limits.maxBufferSize } };
  }
  if (name === 'webgl') {
    const gl = activeInstance<{ gpgpu: { gl: WebGL2RenderingContext } }>()?.gpgpu?.gl;
    const adapter = gl === undefined ? undefined : renderer(gl);
    return { name, adapter, limits: { ...limits, maxTextureSize: tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE') } };
  }
  if (name === 'wasm') {
    return { name, limits: { ...limits, simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: wasmThreads() } };
  }
  if (name === 'tensorflow') {
    const gpu = activeInstance<{ isUsingGpuDevice: boolean }>()?.isUsingGpuDevice === true;
    return { name, adapter: gpu ? 'GPU (CUDA)' : 'CPU', limits };
  }
  return { name, limits };
}

/** The GPU behind WebGL: unmasked where the browser allows it. */
function renderer(gl: WebGL2RenderingContext): string {
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(debug === null ? gl.RENDERER : debug.UNMASKED_RENDERER_WEBGL));
}

/** A float32 tensor in one WebGL texture: at most MAX_TEXTURE_SIZE^2 texels of one value each (unpacked). */
function textureBytes(maxTextureSize: number | undefined): number {
  return maxTextureSize === undefined ? Infinity : 4 * maxTextureSize * maxTextureSize;
}
