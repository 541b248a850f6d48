import * as tf from '@tensorflow/tfjs-core';

/**
 * Column sums of x [n, m] in two levels: blocks of ~sqrt(n) rows, then the
 * blocks. Backends that add a column in one float32 accumulator (cpu, wasm)
 * then err by ~2 sqrt(n) eps instead of ~n eps (2.6e-5 relative over 20000
 * rows on wasm, for sums of positive terms).
 */
export function sumRows(x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const [n, m] = x.shape;
    const rows = Math.max(1, Math.ceil(Math.sqrt(n)));
    const blocks = Math.ceil(n / rows);
    const padded = blocks * rows === n ? x : tf.pad(x, [[0, blocks * rows - n], [0, 0]]);
    return tf.sum(tf.sum(tf.reshape(padded, [blocks, rows, m]), 1), 0) as tf.Tensor1D;
  });
}
