import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { GaussianInputs, LOG_LIKELIHOOD, gaussianInputsShape } from '../kernelNames.js';
import { ResponsibilitiesProgram } from './responsibilities_webgpu.js';

/** The responsibilities program writing only log p(y_i): output [n]. */
export const logLikelihoodWebGPUConfig: KernelConfig = {
  kernelName: LOG_LIKELIHOOD,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }): TensorInfo => {
    const x = inputs as GaussianInputs;
    const [n, d, k] = gaussianInputsShape(x);
    const program = new ResponsibilitiesProgram(n, d, k, true);
    return (backend as WebGPUBackend).runWebGPUProgram(program, [x.y, x.nu, x.h, x.c], 'float32');
  },
};
