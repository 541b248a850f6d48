import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import {
  FULL_E_STEP, FULL_LOG_LIKELIHOOD, TIED_E_STEP, TIED_LOG_LIKELIHOOD, type WhitenedInputs, whitenedInputsShape,
} from '../fullKernelNames.js';
import { type HostWhitened, hostFullEStep, hostFullLogLikelihood, hostTiedEStep, hostTiedLogLikelihood } from './hostWhitened.js';

/** How a backend hands its tensors to the host kernels and takes their output. */
export interface HostIO {
  read(t: TensorInfo, backend: unknown): Float32Array;
  output(shape: number[], values: Float32Array, backend: unknown): TensorInfo;
}

/**
 * The full and tied e-step and scoring kernels of a backend whose tensors the host can read
 * (cpu: in JS memory; wasm: copied out of tfjs' heap), run by the host wasm SIMD kernels.
 */
export function hostWhitenedConfigs(backendName: string, io: HostIO): KernelConfig[] {
  const config = (kernelName: string, tied: boolean, eStep: boolean): KernelConfig => ({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend }): TensorInfo => {
      const x = inputs as WhitenedInputs;
      const [n, d] = whitenedInputsShape(x, tied);
      const read = (t: TensorInfo) => io.read(t, backend);
      const g: HostWhitened = { m: read(x.m), p: read(x.p), c: read(x.c) };
      const y = read(x.y);
      if (!eStep) return io.output([n], (tied ? hostTiedLogLikelihood : hostFullLogLikelihood)(y, n, d, g), backend);
      const packed = (tied ? hostTiedEStep : hostFullEStep)(y, n, d, g, x.w === undefined ? null : read(x.w));
      return io.output([packed.length], packed, backend);
    },
  });
  return [
    config(FULL_E_STEP, false, true),
    config(FULL_LOG_LIKELIHOOD, false, false),
    config(TIED_E_STEP, true, true),
    config(TIED_LOG_LIKELIHOOD, true, false),
  ];
}
