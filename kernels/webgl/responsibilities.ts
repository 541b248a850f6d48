import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { type Form, LogLikelihoodRowsProgram, ResponsibilitiesProgram } from './responsibilities_gpu.js';

/**
 * R [n, K + 1] in two GLSL passes: log p per row, then the responsibilities (weighted by w when
 * given), from the Gaussians' inputs `params` of the form (y first, c last).
 * The log-likelihoods are computed twice rather than stored: one more pass of flops,
 * no [n, K] intermediate.
 */
export function responsibilities(webgl: MathBackendWebGL, form: Form, params: TensorInfo[], w?: TensorInfo): TensorInfo {
  const [n, d] = params[0].shape;
  const k = params[3].shape[0];
  const lp = webgl.compileAndRun(new LogLikelihoodRowsProgram(n, d, k, form), params);
  try {
    return webgl.compileAndRun(new ResponsibilitiesProgram(n, d, k, w !== undefined, form), [...params, lp, ...(w === undefined ? [] : [w])]);
  } finally {
    webgl.disposeIntermediateTensorInfo(lp);
  }
}
