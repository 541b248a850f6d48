import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { GaussianInputs, LOG_LIKELIHOOD, gaussianInputsShape } from '../kernelNames.js';
import { LogLikelihoodRowsProgram } from './responsibilities_gpu.js';

/** log p(y_i) by the responsibilities' first pass alone: output [n]. */
export const logLikelihoodWebGLConfig: KernelConfig = {
  kernelName: LOG_LIKELIHOOD,
  backendName: 'webgl',
  kernelFunc: ({ inputs, backend }): TensorInfo => {
    const x = inputs as GaussianInputs;
    const [n, d, k] = gaussianInputsShape(x);
    return (backend as MathBackendWebGL).compileAndRun(new LogLikelihoodRowsProgram(n, d, k), [x.y, x.nu, x.h, x.c]);
  },
};
