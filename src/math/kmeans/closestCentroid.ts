import * as tf from '@tensorflow/tfjs-core';

/**
 * Each row's smallest distance and the index of its closest centroid, ties
 * going to the lowest index on every backend: the index is the minimum of the
 * indices whose distance equals the row minimum (a min-reduction is
 * order-independent, unlike argMin's tie handling on parallel backends).
 */
export function closestCentroid(dist: tf.Tensor2D): { labels: tf.Tensor1D; minDistances: tf.Tensor1D } {
  return tf.tidy(() => {
    const [n, k] = dist.shape;
    const minDistances = tf.min(dist, 1) as tf.Tensor1D;
    const isMin = tf.equal(dist, tf.expandDims(minDistances, 1));
    const index = tf.broadcastTo(tf.tensor1d(Float32Array.from({ length: k }, (_, i) => i), 'float32'), [n, k]);
    const candidates = tf.where(isMin, index, tf.fill([n, k], k, 'float32'));
    const labels = tf.cast(tf.min(candidates, 1), 'int32') as tf.Tensor1D;
    return { labels, minDistances };
  });
}

/** One-hot float32 membership [n, K] from int32 labels. */
export function membership(labels: tf.Tensor1D, k: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(labels, k), 'float32') as tf.Tensor2D);
}
