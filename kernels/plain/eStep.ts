import * as tf from '@tensorflow/tfjs-core';
import { logSumExpRows } from './logSumExp.js';
import { sumRows } from './sumRows.js';
import type { DeviceGaussians } from '../kernelNames.js';
import { differences, gaussianBlocks, logWeightedLikelihood } from './logWeightedLikelihood.js';

/**
 * The e-step of one chunk of centred samples y [n, D] (each row counting w_i times when
 * weights are given) in plain TF.js ops, packed
 * as the E_STEP kernels pack it (../kernelNames.ts) so that the host reads it once:
 * [ sum_i r_ik (y_ij - nu_jk) (D x K) | sum_i r_ik (y_ij - nu_jk)^2 (D x K) | sum_i r_ik (K) | sum_i log p(y_i) ].
 * Moments about each Gaussian's own centre: nothing cancels however narrow or
 * far from the shift a Gaussian is. Rows whose log-likelihood is -Inf get zero
 * responsibilities instead of NaN.
 */
export function eStepChunk(y: tf.Tensor2D, g: DeviceGaussians, w?: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const [n, d] = y.shape;
    const lwl = logWeightedLikelihood(y, g);
    const unweighted = logSumExpRows(lwl);
    const llSafe = tf.where(tf.isFinite(unweighted), unweighted, tf.zerosLike(unweighted));
    // min(., 0) is exact (no term exceeds the total) and keeps webgl from exp()-ing garbage
    // in the unused texel of single-row chunks into Infinity.
    let r = tf.exp(tf.minimum(tf.sub(lwl, tf.expandDims(llSafe, 1)), 0));
    let ll = unweighted;
    if (w !== undefined) {
      // each row counts w times; a row of weight 0 counts nothing, also when its log-likelihood is -Inf
      r = tf.mul(r, tf.expandDims(w, 1));
      ll = tf.where(tf.equal(w, 0), tf.zerosLike(ll), tf.mul(ll, w)) as tf.Tensor1D;
    }
    const moments = gaussianBlocks(n, d, g.c.shape[0]).map(([first, count]) =>
      tf.tidy(() => {
        const diff = differences(y, g, first, count);
        const weighted = tf.mul(tf.expandDims(tf.slice(r, [0, first], [-1, count]), 2), diff);
        const sum = (t: tf.Tensor) => tf.reshape(sumRows(tf.reshape(t, [n, count * d])), [count, d]);
        return tf.stack([sum(weighted), sum(tf.mul(weighted, diff))]);
      }),
    );
    // [2, K, D] -> [2, D, K]
    const both = tf.transpose(moments.length === 1 ? moments[0] : tf.concat(moments, 1), [0, 2, 1]);
    return tf.concat([tf.reshape(both, [-1]), sumRows(r as tf.Tensor2D), sumRows(tf.reshape(ll, [n, 1]))]) as tf.Tensor1D;
  });
}
