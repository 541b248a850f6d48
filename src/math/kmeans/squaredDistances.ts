import * as tf from '@tensorflow/tfjs-core';
import type { DeviceCentroids } from './deviceCentroids.js';

/**
 * Squared Euclidean distances [n, K] of centred samples y [n, D] to the centred
 * centroids, in GEMM form ||y||^2 - 2 y c^T + ||c||^2, clamped at 0 (rounding
 * can make the expanded form slightly negative). Both sides are centred by the
 * same shift, which keeps the float32 cancellation of the expanded form small.
 */
export function squaredDistances(y: tf.Tensor2D, c: DeviceCentroids): tf.Tensor2D {
  return tf.tidy(() =>
    tf.relu(tf.add(tf.add(tf.sum(tf.square(y), 1, true), tf.matMul(y, c.minusTwoT)), c.norms)),
  );
}
