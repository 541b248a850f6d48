import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { E_STEP, GaussianInputs, gaussianInputsShape } from '../kernelNames.js';
import { packedLength, rowBlocks, sumBlocks } from '../momentBlocks.js';
import { CentredMomentsProgram } from './centred_moments_webgpu.js';
import { ResponsibilitiesProgram } from './responsibilities_webgpu.js';

/**
 * The e-step in three passes: responsibilities R [n, K + 1] (weighted by w when given), the centred
 * moments of each block of rows, then the blocks summed by the backend's Sum.
 */
export const eStepWebGPUConfig: KernelConfig = {
  kernelName: E_STEP,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }): TensorInfo => {
    const webgpu = backend as WebGPUBackend;
    const x = inputs as GaussianInputs;
    const [n, d, k] = gaussianInputsShape(x);
    const weighted = x.w !== undefined;
    const r = webgpu.runWebGPUProgram(new ResponsibilitiesProgram(n, d, k, false, weighted), [x.y, x.nu, x.h, x.c, ...(weighted ? [x.w!] : [])], 'float32');
    let partials: TensorInfo;
    try {
      const program = new CentredMomentsProgram(d, k, rowBlocks(n, packedLength(d, k)));
      partials = webgpu.runWebGPUProgram(program, [x.y, r, x.nu], 'float32');
    } finally {
      webgpu.disposeData(r.dataId);
    }
    try {
      return sumBlocks(partials, webgpu, 'webgpu');
    } finally {
      webgpu.disposeData(partials.dataId);
    }
  },
};
