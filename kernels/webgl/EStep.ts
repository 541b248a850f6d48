import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { E_STEP, GaussianInputs, gaussianInputsShape } from '../kernelNames.js';
import { rowBlocks, sumBlocks } from '../momentBlocks.js';
import { CentredMomentsProgram, pairedLength } from './centred_moments_gpu.js';
import { PackedOrderProgram } from './packed_order_gpu.js';
import { responsibilities } from './responsibilities.js';

/**
 * The e-step: responsibilities R [n, K + 1], the centred moments of each block
 * of rows, the blocks summed by the backend's Sum, then the sums put in the
 * packed E_STEP order.
 */
export const eStepWebGLConfig: KernelConfig = {
  kernelName: E_STEP,
  backendName: 'webgl',
  kernelFunc: ({ inputs, backend }): TensorInfo => {
    const webgl = backend as MathBackendWebGL;
    const x = inputs as GaussianInputs;
    const [n, d, k] = gaussianInputsShape(x);
    const r = responsibilities(webgl, 'diag', [x.y, x.nu, x.h, x.c], x.w);
    let partials: TensorInfo;
    try {
      partials = webgl.compileAndRun(new CentredMomentsProgram(n, d, k, rowBlocks(n, pairedLength(d, k))), [x.y, r, x.nu]);
    } finally {
      webgl.disposeIntermediateTensorInfo(r);
    }
    let sums: TensorInfo;
    try {
      sums = sumBlocks(partials, webgl, 'webgl');
    } finally {
      webgl.disposeIntermediateTensorInfo(partials);
    }
    try {
      return webgl.compileAndRun(new PackedOrderProgram(d, k), [sums]);
    } finally {
      webgl.disposeIntermediateTensorInfo(sums);
    }
  },
};
