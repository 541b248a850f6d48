import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { GaussianInputs, gaussianInputsShape } from '../kernelNames.js';
import { LogLikelihoodRowsProgram, ResponsibilitiesProgram } from './responsibilities_gpu.js';

/**
 * R [n, K + 1] in two GLSL passes: log p per row, then the responsibilities (weighted by x.w when given).
 * The log-likelihoods are computed twice rather than stored: 4nDK more flops,
 * no [n, K] intermediate.
 */
export function responsibilities(webgl: MathBackendWebGL, x: GaussianInputs): TensorInfo {
  const [n, d, k] = gaussianInputsShape(x);
  const params = [x.y, x.nu, x.h, x.c];
  const lp = webgl.compileAndRun(new LogLikelihoodRowsProgram(n, d, k), params);
  try {
    const weighted = x.w !== undefined;
    return webgl.compileAndRun(new ResponsibilitiesProgram(n, d, k, weighted), [...params, lp, ...(weighted ? [x.w!] : [])]);
  } finally {
    webgl.disposeIntermediateTensorInfo(lp);
  }
}
