import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { GaussianInputs, LOG_LIKELIHOOD, gaussianInputsShape } from '../kernelNames.js';
import { hostLogLikelihood } from '../host/hostEStep.js';

/** As EStep.ts: the inputs are copied out of tfjs' heap into the host kernels' memory. */
export const logLikelihoodWasmConfig: KernelConfig = {
  kernelName: LOG_LIKELIHOOD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }): TensorInfo => {
    const wasm = backend as BackendWasm;
    const x = inputs as GaussianInputs;
    const [n, d] = gaussianInputsShape(x);
    const read = (t: TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;
    return wasm.makeOutput([n], 'float32', undefined, hostLogLikelihood(read(x.y), n, d, read(x.nu), read(x.h), read(x.c)));
  },
};
