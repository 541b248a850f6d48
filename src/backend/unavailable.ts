import { TfjsEmError } from '../errors.js';
import type { ConcreteBackend } from './names.js';
import { isNode } from './runtime.js';

/** How to get each backend where it is missing. */
function installHint(name: ConcreteBackend): string {
  switch (name) {
    case 'tensorflow':
      return 'install the optional peer dependency: npm install @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (CUDA)';
    case 'webgpu':
      return isNode()
        ? 'install the optional dependency `webgpu` (npm install webgpu) and a Vulkan driver; without a GPU, Mesa >= 25 lavapipe (Debian: apt-get install -t bookworm-backports mesa-vulkan-drivers; in the tfjs-em repository: bash scripts/setup.sh)'
        : 'use a browser with WebGPU enabled (navigator.gpu)';
    case 'webgl':
      return 'run in a browser with WebGL2; in Node use wasm, webgpu or tensorflow';
    case 'wasm':
    case 'cpu':
      return `reinstall the package's dependencies (npm install): @tensorflow/tfjs-backend-${name} is one of them`;
  }
}

/** The BACKEND_UNAVAILABLE error for `name`: why it failed and how to install it. */
export function backendUnavailable(name: ConcreteBackend, why: string): TfjsEmError {
  return new TfjsEmError('BACKEND_UNAVAILABLE', `The '${name}' backend is unavailable: ${why}. To enable it, ${installHint(name)}.`);
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}
