import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { E_STEP, GaussianInputs, gaussianInputsShape } from '../kernelNames.js';
import { hostEStep } from '../host/hostEStep.js';

/** The host wasm SIMD e-step on the cpu backend: its tensors already live in JS memory. */
export const eStepCpuConfig: KernelConfig = {
  kernelName: E_STEP,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend }): TensorInfo => {
    const cpu = backend as MathBackendCPU;
    const x = inputs as GaussianInputs;
    const [n, d] = gaussianInputsShape(x);
    const read = (t: TensorInfo) => cpu.readSync(t.dataId) as Float32Array;
    const packed = hostEStep(read(x.y), n, d, read(x.nu), read(x.h), read(x.c), x.w === undefined ? null : read(x.w));
    return cpu.makeTensorInfo([packed.length], 'float32', packed);
  },
};
