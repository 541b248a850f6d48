import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { gpuWhitenedConfigs } from '../gpuWhitened.js';
import { ResponsibilitiesProgram } from './responsibilities_webgpu.js';

/** The full and tied kernels on webgpu: the WGSL responsibilities program, moments by matMul. */
export const whitenedWebGPUConfigs = gpuWhitenedConfigs('webgpu', {
  responsibilities: (form, inputs, weighted, backend) => run(backend, new ResponsibilitiesProgram(inputs[0].shape[0], inputs[0].shape[1], inputs[3].shape[0], false, weighted, form), inputs),
  logLikelihood: (form, inputs, backend) => run(backend, new ResponsibilitiesProgram(inputs[0].shape[0], inputs[0].shape[1], inputs[3].shape[0], true, false, form), inputs),
});

const run = (backend: unknown, program: ResponsibilitiesProgram, inputs: TensorInfo[]) =>
  (backend as WebGPUBackend).runWebGPUProgram(program, inputs, 'float32');
