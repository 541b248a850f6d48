import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { E_STEP, GaussianInputs, gaussianInputsShape } from '../kernelNames.js';
import { hostEStep } from '../host/hostEStep.js';

/**
 * The host wasm SIMD e-step on the wasm backend. It runs in its own wasm
 * memory (shared with its worker threads), so the inputs are copied out of
 * tfjs' heap: n x D floats against 8 n D K flops.
 */
export const eStepWasmConfig: KernelConfig = {
  kernelName: E_STEP,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }): TensorInfo => {
    const wasm = backend as BackendWasm;
    const x = inputs as GaussianInputs;
    const [n, d] = gaussianInputsShape(x);
    const read = (t: TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;
    const packed = hostEStep(read(x.y), n, d, read(x.nu), read(x.h), read(x.c), x.w === undefined ? null : read(x.w));
    return wasm.makeOutput([packed.length], 'float32', undefined, packed);
  },
};
