import * as tf from '@tensorflow/tfjs-core';
import { logSumExpRows } from '../logSumExp.js';
import { DeviceGaussians, logWeightedLikelihood } from './logWeightedLikelihood.js';

/**
 * The e-step of one chunk of centred samples y [n, D], packed into one flat
 * float32 tensor so that the host reads it once:
 * [ sum_i r_ik y_ij (D x K) | sum_i r_ik y_ij^2 (D x K) | sum_i r_ik (K) | sum_i log p(x_i) ].
 * Rows whose log-likelihood is -Inf get zero responsibilities instead of NaN.
 */
export function eStepChunk(y: tf.Tensor2D, g: DeviceGaussians): tf.Tensor1D {
  return tf.tidy(() => {
    const lwl = logWeightedLikelihood(y, g);
    const ll = logSumExpRows(lwl);
    const llSafe = tf.where(tf.isFinite(ll), ll, tf.zerosLike(ll));
    // min(., 0) is exact (no term exceeds the total) and keeps webgl from exp()-ing garbage
    // in the unused texel of single-row chunks into Infinity (then 0 * Inf = NaN in the matMul).
    const responsibilities = tf.exp(tf.minimum(tf.sub(lwl, tf.expandDims(llSafe, 1)), 0));
    // [y, y^2, 1]^T R, transposed explicitly: matMul with transposeA is far slower on wasm.
    const ones = tf.ones([y.shape[0], 1]);
    const moments = tf.transpose(tf.concat([y, tf.square(y), ones], 1));
    const stats = tf.matMul(moments, responsibilities);
    return tf.concat([tf.reshape(stats, [-1]), tf.reshape(tf.sum(ll), [1])]) as tf.Tensor1D;
  });
}
