// Node only: WebGPU through Dawn (npm `webgpu`). Loaded by dynamic import (see nodeOnly.ts).
/// <reference types="@webgpu/types/dist" />
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What provideGpu added, to be taken away again by dropGpu. */
let provided: { added: 'gpu' | 'navigator'; runtimeDir: string | null } | null = null;

/**
 * Sets globalThis.navigator.gpu to a Dawn instance, unless the runtime already
 * has one. Throws when the `webgpu` package is missing.
 */
export async function provideGpu(): Promise<void> {
  if (globalThis.navigator?.gpu !== undefined) return;
  // A variable specifier: `webgpu` is an optional dependency, absent from some installs.
  const specifier = 'webgpu';
  const { create, globals } = (await import(specifier)) as { create(flags: string[]): GPU; globals: object };
  const runtimeDir = privateRuntimeDir();
  // GPUBufferUsage, GPUMapMode and the like, which tf.js reads as globals.
  Object.assign(globalThis, globals);
  const gpu = { value: create([]), configurable: true, enumerable: true };
  // Node >= 21 has a navigator of its own: extend it rather than replace it.
  if (globalThis.navigator !== undefined) {
    Object.defineProperty(globalThis.navigator, 'gpu', gpu);
    provided = { added: 'gpu', runtimeDir };
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: Object.defineProperty({}, 'gpu', gpu), configurable: true, writable: true });
    provided = { added: 'navigator', runtimeDir };
  }
}

/** Drops the Dawn instance given by provideGpu, so that nothing keeps it (or the process) alive. */
export function dropGpu(): void {
  if (provided === null) return;
  if (provided.added === 'gpu') delete (globalThis.navigator as { gpu?: GPU }).gpu;
  else delete (globalThis as { navigator?: Navigator }).navigator;
  if (provided.runtimeDir !== null) removeRuntimeDir(provided.runtimeDir);
  provided = null;
}

/**
 * Vulkan's window-system code wants XDG_RUNTIME_DIR: a private temporary
 * folder when unset, removed when the gpu is dropped or the process exits.
 */
function privateRuntimeDir(): string | null {
  if (process.env.XDG_RUNTIME_DIR) return null;
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-em-xdg-'));
  process.env.XDG_RUNTIME_DIR = dir;
  process.once('exit', () => removeRuntimeDir(dir));
  return dir;
}

function removeRuntimeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  if (process.env.XDG_RUNTIME_DIR === dir) delete process.env.XDG_RUNTIME_DIR;
}
