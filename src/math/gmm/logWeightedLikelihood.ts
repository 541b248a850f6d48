import * as tf from '@tensorflow/tfjs-core';

/** The e-step's GEMM-form coefficients on the device (see gemmCoefficients). */
export interface DeviceGaussians {
  /** [2D, K] */
  weights: tf.Tensor2D;
  /** [K] */
  bias: tf.Tensor1D;
}

/** log(w_k N(x_i | mu_k, var_k)) for centred samples y: [n, K], one matMul. */
export function logWeightedLikelihood(y: tf.Tensor2D, g: DeviceGaussians): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.matMul(tf.concat([tf.square(y), y], 1), g.weights), g.bias));
}
