import * as tf from '@tensorflow/tfjs-core';

/**
 * Each row's smallest distance and the index of its closest centroid, ties
 * going to the lowest index on every backend. tf.argMin does not promise that
 * (the webgpu kernel's workgroup reduction can return a later tie), so the
 * index is computed as the number of leading entries that are not the row
 * minimum: sum_j prod_{i<=j} [d_i != min]. Every op is same-shape or a
 * reduction: the row minimum is spread over the row by a rank-1 matMul
 * (exact: times 1), since broadcasting element-wise ops are slow on the cpu
 * and wasm backends.
 */
export function closestCentroid(dist: tf.Tensor2D): { labels: tf.Tensor1D; minDistances: tf.Tensor1D } {
  return tf.tidy(() => {
    const k = dist.shape[1];
    const minDistances = tf.min(dist, 1) as tf.Tensor1D;
    const rowMin = tf.matMul(tf.expandDims(minDistances, 1), tf.ones([1, k]));
    const notMin = tf.cast(tf.notEqual(dist, rowMin), 'float32');
    const labels = tf.cast(tf.sum(tf.cumprod(notMin, 1), 1), 'int32') as tf.Tensor1D;
    return { labels, minDistances };
  });
}

/** One-hot float32 membership [n, K] from int32 labels; with weights, each row's one is its weight. */
export function membership(labels: tf.Tensor1D, k: number, w: tf.Tensor1D | null = null): tf.Tensor2D {
  return tf.tidy(() => {
    const m = (k === 1 ? tf.ones([labels.shape[0], 1]) : tf.cast(tf.oneHot(labels, k), 'float32')) as tf.Tensor2D; // oneHot needs depth >= 2
    return w === null ? m : (tf.mul(m, tf.expandDims(w, 1)) as tf.Tensor2D);
  });
}
