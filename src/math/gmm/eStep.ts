import * as tf from '@tensorflow/tfjs-core';
import { logSumExpRows } from '../logSumExp.js';
import { DeviceGaussians, logWeightedLikelihood, squaredDifferences } from './logWeightedLikelihood.js';

/**
 * The e-step of one chunk of centred samples y [n, D], packed into one flat
 * float32 tensor so that the host reads it once:
 * [ sum_i r_ik y_ij (D x K) | second moments (D x K) | sum_i r_ik (K) | sum_i log p(x_i) ]
 * where the second moments are sum_i r_ik y_ij^2 (gemm form) or, about each
 * Gaussian's own centre, sum_i r_ik (y_ij - nu_kj)^2 (direct form; see accumulateChunk).
 * Rows whose log-likelihood is -Inf get zero responsibilities instead of NaN.
 */
export function eStepChunk(y: tf.Tensor2D, g: DeviceGaussians): tf.Tensor1D {
  return tf.tidy(() => {
    const lwl = logWeightedLikelihood(y, g);
    const ll = logSumExpRows(lwl);
    const llSafe = tf.where(tf.isFinite(ll), ll, tf.zerosLike(ll));
    // min(., 0) is exact (no term exceeds the total) and keeps webgl from exp()-ing garbage
    // in the unused texel of single-row chunks into Infinity (then 0 * Inf = NaN in the matMul).
    const r = tf.exp(tf.minimum(tf.sub(lwl, tf.expandDims(llSafe, 1)), 0));
    const ones = tf.ones([y.shape[0], 1]);
    // [y, (y^2), 1]^T R, transposed explicitly: matMul with transposeA is far slower on wasm.
    let stats: tf.Tensor2D;
    if (g.form === 'gemm') {
      stats = tf.matMul(tf.transpose(tf.concat([y, tf.square(y), ones], 1)), r);
    } else {
      const [first, n] = tf.split(tf.matMul(tf.transpose(tf.concat([y, ones], 1)), r), [y.shape[1], 1]);
      const centred = tf.transpose(tf.sum(tf.mul(tf.expandDims(r, 2), squaredDifferences(y, g).squared), 0));
      stats = tf.concat([first, centred, n], 0) as tf.Tensor2D;
    }
    return tf.concat([tf.reshape(stats, [-1]), tf.reshape(tf.sum(ll), [1])]) as tf.Tensor1D;
  });
}
