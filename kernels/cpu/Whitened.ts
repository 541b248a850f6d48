import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { hostWhitenedConfigs } from '../host/whitenedConfigs.js';

/** The host wasm SIMD full and tied kernels on the cpu backend (its tensors live in JS memory). */
export const whitenedCpuConfigs = hostWhitenedConfigs('cpu', {
  read: (t: TensorInfo, backend) => (backend as MathBackendCPU).readSync(t.dataId) as Float32Array,
  output: (shape, values, backend) => (backend as MathBackendCPU).makeTensorInfo(shape, 'float32', values),
});
