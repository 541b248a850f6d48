import * as tf from '@tensorflow/tfjs-core';
import { activeBackend, activeInstance } from './active.js';
import { loadBackend } from './load.js';
import { nodeOnly } from './nodeOnly.js';
import { BackendName, ConcreteBackend, parseBackendName } from './names.js';
import { envVar, isNode } from './runtime.js';
import { backendUnavailable, describeError } from './unavailable.js';
import { isSoftwareAdapter, loadWebGPU, releaseWebGPU } from './webgpu.js';

/** Backend changes run one at a time: tf.js cannot initialise two at once. */
let queue: Promise<unknown> = Promise.resolve();
/** What 'auto' chose last, so that asking again is free. */
let autoChoice: string | null = null;

function serial<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Sets the tf.js backend that the library (and tf.js) runs on, loading its
 * package on first use, and returns its name. 'auto': TensorFlow with a GPU,
 * then WebGPU on a hardware adapter, WebGL, wasm, cpu: the first that starts.
 * Throws BACKEND_UNAVAILABLE, saying how to install what is missing.
 */
export async function useBackend(name: BackendName): Promise<string> {
  const checked = parseBackendName(String(name), 'backend');
  return serial(() => (checked === 'auto' ? selectAuto() : select(checked)));
}

/**
 * The backend for a piece of work: `requested` if given; else the backend
 * already set; else TFJS_EM_BACKEND (Node); else 'auto'. Free when nothing changes.
 */
export async function ensureBackend(requested?: BackendName): Promise<string> {
  await queue; // a change in flight finishes first: tf.js runs no op while a backend initialises
  const active = activeBackend();
  if (active !== null && (requested === undefined || requested === active || (requested === 'auto' && active === autoChoice))) {
    if (active === 'cpu') quietNodeHint(); // also when the user set cpu through tf.js
    return active;
  }
  if (requested !== undefined) return useBackend(requested);
  const fromEnv = envVar('TFJS_EM_BACKEND');
  return useBackend(fromEnv === undefined ? 'auto' : parseBackendName(fromEnv, 'TFJS_EM_BACKEND'));
}

/**
 * Lets go of the WebGPU device (in Node, of Dawn too) so the process can exit;
 * tensors on it become invalid. The next use of webgpu starts a new device.
 */
export function releaseBackend(): Promise<void> {
  return serial(async () => {
    if (autoChoice === 'webgpu') autoChoice = null;
    await releaseWebGPU();
  });
}

async function select(name: ConcreteBackend, gpuOnly = false): Promise<string> {
  const previous = activeBackend();
  if (previous === name) return name;
  await loadBackend(name, gpuOnly);
  let failure: unknown = null;
  const ok = await tf.setBackend(name).catch((error: unknown) => ((failure = error), false));
  if (!ok) {
    // tf.js keeps naming the failed backend: go back to the one that ran.
    if (name === 'webgpu') await releaseWebGPU();
    if (previous !== null) await tf.setBackend(previous);
    throw backendUnavailable(name, failure === null ? 'it failed to initialise (see the warning above)' : describeError(failure));
  }
  if (name === 'cpu') quietNodeHint();
  return name;
}

async function selectAuto(): Promise<string> {
  for (const candidate of ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'] as const) {
    try {
      if (!(await worthTrying(candidate))) continue;
      const name = await select(candidate, candidate === 'tensorflow');
      if (candidate === 'tensorflow' && activeInstance<{ isUsingGpuDevice: boolean }>()?.isUsingGpuDevice !== true) continue;
      autoChoice = name;
      return name;
    } catch {
      // Unavailable here: try the next one.
    }
  }
  throw backendUnavailable('cpu', 'no backend could be started');
}

/** Cheap checks that spare 'auto' from loading what cannot win here. */
async function worthTrying(candidate: ConcreteBackend): Promise<boolean> {
  if (candidate === 'tensorflow') return isNode();
  if (candidate === 'webgl') return !isNode();
  if (candidate === 'webgpu') {
    // A software adapter (lavapipe) is slower than wasm for the e-step (docs/backends.md).
    if (isNode() && globalThis.navigator?.gpu === undefined) {
      const probed = await (await nodeOnly()).probeDawnAdapter();
      return probed !== null && !isSoftwareAdapter(probed);
    }
    if (isSoftwareAdapter(await loadWebGPU())) {
      await releaseWebGPU();
      return false;
    }
  }
  return true;
}

/**
 * tf.js's cpu backend advises installing tfjs-node on its first tensor in Node:
 * noise for this library's users, whose choices (docs/backends.md) include
 * 'tensorflow'. The advice hangs on one field of the instance; if a later
 * tf.js drops the field, this does nothing.
 */
function quietNodeHint(): void {
  const backend = activeInstance<{ firstUse: boolean }>();
  if (backend !== null && 'firstUse' in backend) backend.firstUse = false;
}
