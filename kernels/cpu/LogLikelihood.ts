import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { GaussianInputs, LOG_LIKELIHOOD, gaussianInputsShape } from '../kernelNames.js';
import { hostLogLikelihood } from '../host/hostEStep.js';

export const logLikelihoodCpuConfig: KernelConfig = {
  kernelName: LOG_LIKELIHOOD,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend }): TensorInfo => {
    const cpu = backend as MathBackendCPU;
    const x = inputs as GaussianInputs;
    const [n, d] = gaussianInputsShape(x);
    const read = (t: TensorInfo) => cpu.readSync(t.dataId) as Float32Array;
    return cpu.makeTensorInfo([n], 'float32', hostLogLikelihood(read(x.y), n, d, read(x.nu), read(x.h), read(x.c)));
  },
};
