import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { DirectFormInputs, RESPONSIBILITIES, directFormShape } from '../kernelNames.js';
import { LogLikelihoodRowsProgram, ResponsibilitiesProgram } from './responsibilities_gpu.js';

/**
 * Two GLSL passes: log p per row, then the responsibilities. The
 * log-likelihoods are computed twice rather than stored: 4nDK more flops, no
 * [n, K] intermediate.
 */
export const responsibilitiesWebGLConfig: KernelConfig = {
  kernelName: RESPONSIBILITIES,
  backendName: 'webgl',
  kernelFunc: ({ inputs, backend }): TensorInfo => {
    const webgl = backend as MathBackendWebGL;
    const x = inputs as DirectFormInputs;
    const [n, d, k] = directFormShape(x);
    const params = [x.y, x.nu, x.h, x.c];
    const lp = webgl.compileAndRun(new LogLikelihoodRowsProgram(n, d, k), params);
    try {
      return webgl.compileAndRun(new ResponsibilitiesProgram(n, d, k), [...params, lp]);
    } finally {
      webgl.disposeIntermediateTensorInfo(lp);
    }
  },
};
