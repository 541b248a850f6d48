import * as tf from '@tensorflow/tfjs-core';

/**
 * The e-step's coefficients on the device, in one of two forms:
 * - 'gemm': weights [2D, K] = [-0.5 / var; nu / var], bias [K] (see gemmCoefficients): one
 *   matMul, fast for large models, but its terms grow like nu^2 / var and cancel in float32;
 * - 'direct': weights [2K, D] = [nu; 0.5 / var], bias [K] = log w - 0.5 g (see
 *   directCoefficients): differences y - nu before squaring, exact to float32 rounding
 *   however narrow or far a Gaussian is; an [n, K, D] intermediate, so for small models.
 */
export interface DeviceGaussians {
  form: 'gemm' | 'direct';
  weights: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/** log(w_k N(x_i | mu_k, var_k)) for centred samples y: [n, K]. */
export function logWeightedLikelihood(y: tf.Tensor2D, g: DeviceGaussians): tf.Tensor2D {
  return tf.tidy(() => {
    if (g.form === 'gemm') return tf.add(tf.matMul(tf.concat([tf.square(y), y], 1), g.weights), g.bias);
    const { squared, halfPrecisions } = squaredDifferences(y, g);
    return tf.sub(g.bias, tf.sum(tf.mul(squared, halfPrecisions), 2)) as tf.Tensor2D;
  });
}

/** (y_i - nu_k)^2 as [n, K, D] and the [K, D] half precisions, for the direct form. */
export function squaredDifferences(y: tf.Tensor2D, g: DeviceGaussians): { squared: tf.Tensor3D; halfPrecisions: tf.Tensor2D } {
  const [k2, d] = g.weights.shape;
  const k = k2 / 2;
  const centres = tf.slice(g.weights, [0, 0], [k, d]);
  const halfPrecisions = tf.slice(g.weights, [k, 0], [k, d]);
  const squared = tf.square(tf.sub(tf.expandDims(y, 1), centres)) as tf.Tensor3D;
  return { squared, halfPrecisions };
}
