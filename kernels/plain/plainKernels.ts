import type { KernelConfig, NamedTensorInfoMap, Tensor1D, Tensor2D, TensorInfo } from '@tensorflow/tfjs-core';
import { TfjsEmError } from '../../src/errors.js';
import { eStepChunk } from './eStep.js';
import { logLikelihoodChunk } from './logLikelihood.js';
import { fullEStepChunk, fullLogLikelihoodChunk } from './fullEStep.js';
import { tiedEStepChunk, tiedLogLikelihoodChunk } from './tiedEStep.js';
import { DeviceGaussians, E_STEP, EStepAttrs, GaussianInputs, LOG_LIKELIHOOD, gaussianInputsShape } from '../kernelNames.js';
import {
  FULL_E_STEP, FULL_LOG_LIKELIHOOD, TIED_E_STEP, TIED_LOG_LIKELIHOOD, WhitenedGaussians, WhitenedInputs, whitenedInputsShape,
} from '../fullKernelNames.js';

/**
 * The e-step kernels in plain TF.js ops, for a backend without fused ones.
 * The ops run inside the kernel; the engine takes the tensor they return.
 */
export function plainKernelConfigs(backendName: string): KernelConfig[] {
  const config = (kernelName: string, what: string, run: (inputs: never) => Tensor1D): KernelConfig => ({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, attrs }): TensorInfo => {
      if ((attrs as unknown as EStepAttrs | undefined)?.fusedOnly) {
        throw new TfjsEmError('BACKEND_UNAVAILABLE', `No fused ${what} kernel is registered for the '${backendName}' backend (see kernels/register.ts).`);
      }
      return run(inputs as NamedTensorInfoMap as never);
    },
  });
  const diagonal = (run: (y: Tensor2D, g: DeviceGaussians, w?: Tensor1D) => Tensor1D) => (inputs: GaussianInputs) => {
    gaussianInputsShape(inputs);
    const { y, nu, h, c, w } = inputs as unknown as { y: Tensor2D; w?: Tensor1D } & DeviceGaussians;
    return run(y, { nu, h, c }, w);
  };
  const whitened = (tied: boolean, run: (y: Tensor2D, g: WhitenedGaussians, w?: Tensor1D) => Tensor1D) => (inputs: WhitenedInputs) => {
    whitenedInputsShape(inputs, tied);
    const { y, m, p, c, w } = inputs as unknown as { y: Tensor2D; w?: Tensor1D } & WhitenedGaussians;
    return run(y, { m, p, c }, w);
  };
  return [
    config(E_STEP, 'e-step', diagonal(eStepChunk)),
    config(LOG_LIKELIHOOD, 'log-likelihood', diagonal(logLikelihoodChunk)),
    config(FULL_E_STEP, 'full-covariance e-step', whitened(false, fullEStepChunk)),
    config(FULL_LOG_LIKELIHOOD, 'full-covariance log-likelihood', whitened(false, fullLogLikelihoodChunk)),
    config(TIED_E_STEP, 'tied-covariance e-step', whitened(true, tiedEStepChunk)),
    config(TIED_LOG_LIKELIHOOD, 'tied-covariance log-likelihood', whitened(true, tiedLogLikelihoodChunk)),
  ];
}
