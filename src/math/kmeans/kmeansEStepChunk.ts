import * as tf from '@tensorflow/tfjs-core';
import type { DeviceCentroids } from './deviceCentroids.js';
import { squaredDistances } from './squaredDistances.js';
import { closestCentroid, membership } from './closestCentroid.js';

/**
 * The k-means e-step of one chunk of centred samples y [n, D], packed into one
 * flat float32 tensor so that the host reads it once:
 * [ sum over members of (y - c_k) (D x K, feature-major) | counts (K) | sum of min distances (1) ],
 * each row counting its weight w when weights are given.
 * The sums are taken relative to the cluster's own (rounded, centred) centroid:
 * the residuals are small, so their float32 sums stay accurate even when the
 * clusters lie far from the shift; the host adds n_k c_k back in float64.
 */
export function kmeansEStepChunk(y: tf.Tensor2D, c: DeviceCentroids, w: tf.Tensor1D | null = null): tf.Tensor1D {
  return tf.tidy(() => {
    const { labels, minDistances } = closestCentroid(squaredDistances(y, c));
    const residuals = tf.sub(y, tf.gather(c.centred, labels));
    // [r, 1]^T M, transposed explicitly: matMul with transposeA is far slower on wasm.
    const moments = tf.transpose(tf.concat([residuals, tf.ones([y.shape[0], 1])], 1));
    const stats = tf.matMul(moments, membership(labels, c.nClusters, w));
    const distanceSum = tf.sum(w === null ? minDistances : tf.mul(minDistances, w));
    return tf.concat([tf.reshape(stats, [-1]), tf.reshape(distanceSum, [1])]) as tf.Tensor1D;
  });
}
