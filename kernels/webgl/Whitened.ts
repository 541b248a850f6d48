import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { gpuWhitenedConfigs } from '../gpuWhitened.js';
import { LogLikelihoodRowsProgram } from './responsibilities_gpu.js';
import { responsibilities } from './responsibilities.js';

/** The full and tied kernels on webgl: the GLSL responsibilities programs, moments by matMul. */
export const whitenedWebGLConfigs = gpuWhitenedConfigs('webgl', {
  responsibilities: (form, inputs, weighted, backend) => responsibilities(backend as MathBackendWebGL, form, inputs.slice(0, 4), weighted ? inputs[4] : undefined),
  logLikelihood: (form, inputs, backend) =>
    (backend as MathBackendWebGL).compileAndRun(new LogLikelihoodRowsProgram(inputs[0].shape[0], inputs[0].shape[1], inputs[3].shape[0], form), inputs),
});
