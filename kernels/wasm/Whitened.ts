import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { hostWhitenedConfigs } from '../host/whitenedConfigs.js';

/** The host wasm SIMD full and tied kernels on the wasm backend; the inputs are copied out of tfjs' heap (as EStep.ts). */
export const whitenedWasmConfigs = hostWhitenedConfigs('wasm', {
  read: (t: TensorInfo, backend) => (backend as BackendWasm).typedArrayFromHeap(t) as Float32Array,
  output: (shape, values, backend) => (backend as BackendWasm).makeOutput(shape, 'float32', undefined, values),
});
