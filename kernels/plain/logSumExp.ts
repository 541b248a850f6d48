import * as tf from '@tensorflow/tfjs-core';

/**
 * log(sum(exp(a), axis 1)) per row. A row whose entries are all -Inf gives
 * -Inf, not NaN (tf.logSumExp subtracts a -Inf maximum there).
 */
export function logSumExpRows(a: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const max = tf.max(a, 1, true);
    const safeMax = tf.where(tf.isFinite(max), max, tf.zerosLike(max));
    const sum = tf.sum(tf.exp(tf.sub(a, safeMax)), 1, true);
    return tf.reshape(tf.add(tf.log(sum), safeMax), [a.shape[0]]) as tf.Tensor1D;
  });
}
