import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import {
  FULL_E_STEP, FULL_LOG_LIKELIHOOD, TIED_E_STEP, TIED_LOG_LIKELIHOOD, type WhitenedGaussians, type WhitenedInputs, whitenedInputsShape,
} from './fullKernelNames.js';
import { fullMoments } from './plain/fullEStep.js';
import { tiedMoments, whitenedProblem } from './plain/tiedEStep.js';

/**
 * A GPU backend's responsibilities programs: R [n, K + 1] (responsibilities, weighted by w when
 * given, and each row's log-likelihood contribution last) or log p(y_i) [n], of Gaussians
 * 'full' (inputs y, m, p, c as ./fullKernelNames.ts) or 'diag' (y, nu [D, K], h [D, K], c).
 */
export interface GpuPrograms {
  responsibilities(form: 'diag' | 'full', inputs: TensorInfo[], weighted: boolean, backend: unknown): TensorInfo;
  logLikelihood(form: 'diag' | 'full', inputs: TensorInfo[], backend: unknown): TensorInfo;
}

const tensorOf = (info: TensorInfo) => tf.engine().makeTensorFromTensorInfo(info);

/**
 * The full and tied kernels of a GPU backend: the log-likelihoods, log-sum-exp and
 * responsibilities in its own program, by direct whitened differences and with no [K, n, D]
 * intermediate (full: a triangular product per row and Gaussian; tied: z = P y by one matMul,
 * then the diagonal program on unit-variance Gaussians at the whitened centres); the moments,
 * which are matrix products, by the backend's matMul (./plain).
 */
export function gpuWhitenedConfigs(backendName: string, programs: GpuPrograms): KernelConfig[] {
  const config = (kernelName: string, tied: boolean, eStep: boolean): KernelConfig => ({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend }): TensorInfo => {
      const x = inputs as WhitenedInputs;
      const [n, , k] = whitenedInputsShape(x, tied);
      const g = { m: x.m, p: x.p, c: x.c } as unknown as WhitenedGaussians;
      const y = x.y as tf.Tensor2D;
      const weights = x.w === undefined ? [] : [x.w];
      return tf.tidy(() => {
        const whitened = tied ? whitenedProblem(y, g) : null;
        const params = whitened === null ? [x.y, x.m, x.p, x.c] : [whitened.z, whitened.unit.nu, whitened.unit.h, whitened.unit.c];
        const form = tied ? 'diag' : 'full';
        if (!eStep) return tensorOf(programs.logLikelihood(form, params, backend));
        const rl = tensorOf(programs.responsibilities(form, [...params, ...weights], weights.length > 0, backend)) as tf.Tensor2D;
        const r = tf.slice(rl, [0, 0], [n, k]);
        const ll = tf.reshape(tf.slice(rl, [0, k], [n, 1]), [n]) as tf.Tensor1D;
        return whitened === null ? fullMoments(y, g, r, ll) : tiedMoments(whitened.z, g.m, r, ll);
      });
    },
  });
  return [
    config(FULL_E_STEP, false, true),
    config(FULL_LOG_LIKELIHOOD, false, false),
    config(TIED_E_STEP, true, true),
    config(TIED_LOG_LIKELIHOOD, true, false),
  ];
}
