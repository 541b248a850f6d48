import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { GaussianInputs, RESPONSIBILITIES, gaussianInputsShape } from '../kernelNames.js';
import { ResponsibilitiesProgram } from './responsibilities_webgpu.js';

export const responsibilitiesWebGPUConfig: KernelConfig = {
  kernelName: RESPONSIBILITIES,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }): TensorInfo => {
    const x = inputs as GaussianInputs;
    const [n, d, k] = gaussianInputsShape(x);
    const program = new ResponsibilitiesProgram(n, d, k);
    return (backend as WebGPUBackend).runWebGPUProgram(program, [x.y, x.nu, x.h, x.c], 'float32');
  },
};
