import type { KernelConfig, Tensor1D, Tensor2D, TensorInfo } from '@tensorflow/tfjs-core';
import { TfjsEmError } from '../../src/errors.js';
import { eStepChunk } from './eStep.js';
import { logLikelihoodChunk } from './logLikelihood.js';
import { DeviceGaussians, E_STEP, EStepAttrs, GaussianInputs, LOG_LIKELIHOOD, gaussianInputsShape } from '../kernelNames.js';

/**
 * E_STEP and LOG_LIKELIHOOD in plain TF.js ops, for a backend without fused
 * kernels. The ops run inside the kernel; the engine takes the tensor they return.
 */
export function plainKernelConfigs(backendName: string): KernelConfig[] {
  const config = (kernelName: string, what: string, run: (y: Tensor2D, g: DeviceGaussians, w?: Tensor1D) => Tensor1D): KernelConfig => ({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, attrs }): TensorInfo => {
      if ((attrs as unknown as EStepAttrs | undefined)?.fusedOnly) {
        throw new TfjsEmError('BACKEND_UNAVAILABLE', `No fused ${what} kernel is registered for the '${backendName}' backend (see kernels/register.ts).`);
      }
      const x = inputs as GaussianInputs;
      gaussianInputsShape(x);
      const { y, nu, h, c, w } = x as unknown as { y: Tensor2D; w?: Tensor1D } & DeviceGaussians;
      return run(y, { nu, h, c }, w);
    },
  });
  return [config(E_STEP, 'e-step', eStepChunk), config(LOG_LIKELIHOOD, 'log-likelihood', logLikelihoodChunk)];
}
