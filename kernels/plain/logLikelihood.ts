import * as tf from '@tensorflow/tfjs-core';
import { logSumExpRows } from './logSumExp.js';
import type { DeviceGaussians } from '../kernelNames.js';
import { logWeightedLikelihood } from './logWeightedLikelihood.js';

/** log p(y_i) per row of a chunk of centred samples, [n], in plain TF.js ops (-Inf where no Gaussian has mass). */
export function logLikelihoodChunk(y: tf.Tensor2D, g: DeviceGaussians): tf.Tensor1D {
  return tf.tidy(() => logSumExpRows(logWeightedLikelihood(y, g)));
}
