import * as tf from '@tensorflow/tfjs-core';
import type { DeviceCentroids } from './deviceCentroids.js';

/**
 * Squared Euclidean distances [n, K] of centred samples y [n, D] to the centred
 * centroids, in GEMM form ||y||^2 - 2 y c^T + ||c||^2 as one matMul
 * [y, ||y||^2, 1] x c.gemm, clamped at 0 (rounding can make the expanded form
 * slightly negative). Both sides are centred by the same shift, which keeps
 * the float32 cancellation of the expanded form small.
 */
export function squaredDistances(y: tf.Tensor2D, c: DeviceCentroids): tf.Tensor2D {
  return tf.tidy(() => {
    const lhs = tf.concat([y, tf.sum(tf.square(y), 1, true), tf.ones([y.shape[0], 1])], 1);
    return tf.relu(tf.matMul(lhs, c.gemm)) as tf.Tensor2D;
  });
}
