import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { E_STEP, GaussianInputs, gaussianInputsShape } from '../kernelNames.js';
import { packedLength, rowBlocks, sumBlocks } from '../momentBlocks.js';
import { CentredMomentsProgram } from './centred_moments_gpu.js';
import { responsibilities } from './responsibilities.js';

/**
 * The e-step: responsibilities R [n, K + 1], the centred moments of each block
 * of rows, then the blocks summed by the backend's Sum.
 */
export const eStepWebGLConfig: KernelConfig = {
  kernelName: E_STEP,
  backendName: 'webgl',
  kernelFunc: ({ inputs, backend }): TensorInfo => {
    const webgl = backend as MathBackendWebGL;
    const x = inputs as GaussianInputs;
    const [n, d, k] = gaussianInputsShape(x);
    const r = responsibilities(webgl, x);
    let partials: TensorInfo;
    try {
      partials = webgl.compileAndRun(new CentredMomentsProgram(n, d, k, rowBlocks(n, packedLength(d, k))), [x.y, r, x.nu]);
    } finally {
      webgl.disposeIntermediateTensorInfo(r);
    }
    try {
      return sumBlocks(partials, webgl, 'webgl');
    } finally {
      webgl.disposeIntermediateTensorInfo(partials);
    }
  },
};
