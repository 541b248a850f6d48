import * as tf from '@tensorflow/tfjs-core';
import { logSumExpRows } from './logSumExp.js';
import { sumRows } from './sumRows.js';
import { gaussianBlocks } from './logWeightedLikelihood.js';
import type { WhitenedGaussians } from '../fullKernelNames.js';

/** z = P_k (y - nu_k) for the Gaussians [first, first + count): [count, n, D] (one batched matMul). */
function whitened(y: tf.Tensor2D, g: WhitenedGaussians, first: number, count: number): tf.Tensor3D {
  return tf.tidy(() => {
    const d = y.shape[1];
    const nu = tf.reshape(tf.slice(g.m, [first, 0], [count, d]), [count, 1, d]);
    const p = tf.slice(g.p as tf.Tensor3D, [first, 0, 0], [count, d, d]);
    return tf.matMul(tf.sub(tf.expandDims(y, 0), nu) as tf.Tensor3D, p, false, true);
  });
}

/** Blocks of Gaussians whose [count, n, D] whitened differences fit one block of the plain ops. */
const blocks = (y: tf.Tensor2D, g: WhitenedGaussians) => gaussianBlocks(y.shape[0], y.shape[1], g.c.shape[0]);

/** log(w_k N(y_i | k)) = c_k - 0.5 ||P_k (y_i - nu_k)||^2 under full covariances, [n, K]. */
export function fullLogWeightedLikelihood(y: tf.Tensor2D, g: WhitenedGaussians): tf.Tensor2D {
  return tf.tidy(() => {
    const parts = blocks(y, g).map(([first, count]) =>
      tf.tidy(() => {
        const quad = tf.sum(tf.square(whitened(y, g, first, count)), 2); // [count, n]
        return tf.transpose(tf.sub(tf.reshape(tf.slice(g.c, [first], [count]), [count, 1]), tf.mul(quad, 0.5)));
      }),
    );
    return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor2D;
  });
}

/** log p(y_i) per row under full covariances, [n]. */
export function fullLogLikelihoodChunk(y: tf.Tensor2D, g: WhitenedGaussians): tf.Tensor1D {
  return tf.tidy(() => logSumExpRows(fullLogWeightedLikelihood(y, g)));
}

/**
 * Responsibilities r [n, K] (each row times its weight when given) and each row's
 * log-likelihood contribution [n] (w log p, 0 for a row of weight 0), from log(w_k N) [n, K].
 * Rows of no finite log-likelihood get zero responsibilities, not NaN.
 */
export function responsibilitiesOf(lwl: tf.Tensor2D, w?: tf.Tensor1D): { r: tf.Tensor2D; ll: tf.Tensor1D } {
  return tf.tidy(() => {
    const unweighted = logSumExpRows(lwl);
    const llSafe = tf.where(tf.isFinite(unweighted), unweighted, tf.zerosLike(unweighted));
    let r = tf.exp(tf.minimum(tf.sub(lwl, tf.expandDims(llSafe, 1)), 0)) as tf.Tensor2D;
    let ll = unweighted;
    if (w !== undefined) {
      r = tf.mul(r, tf.expandDims(w, 1));
      ll = tf.where(tf.equal(w, 0), tf.zerosLike(ll), tf.mul(ll, w)) as tf.Tensor1D;
    }
    return { r, ll };
  });
}

/**
 * The full-covariance e-step of one chunk in plain TF.js ops, packed as FULL_E_STEP
 * (../fullKernelNames.ts): the log-likelihoods of every Gaussian first, then the moments.
 */
export function fullEStepChunk(y: tf.Tensor2D, g: WhitenedGaussians, w?: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const { r, ll } = responsibilitiesOf(fullLogWeightedLikelihood(y, g), w);
    return fullMoments(y, g, r, ll);
  });
}

/**
 * The FULL_E_STEP statistics from the responsibilities r [n, K] and each row's log-likelihood
 * contribution ll [n]: per block of Gaussians, the whitened differences again (no [n, K, D]
 * tensor at once), their first moments and second moments as batched matMuls.
 */
export function fullMoments(y: tf.Tensor2D, g: WhitenedGaussians, r: tf.Tensor2D, ll: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const n = y.shape[0];
    const firsts: tf.Tensor[] = [];
    const seconds: tf.Tensor[] = [];
    for (const [first, count] of blocks(y, g)) {
      const [f, s] = tf.tidy(() => {
        const z = whitened(y, g, first, count);
        const rb = tf.reshape(tf.transpose(tf.slice(r, [0, first], [n, count])), [count, 1, n]);
        const f = tf.matMul(rb, z); // [count, 1, D]
        const s = tf.matMul(tf.mul(z, tf.reshape(rb, [count, n, 1])), z, true, false); // [count, D, D]
        return [f, s];
      });
      firsts.push(tf.reshape(f, [-1]));
      seconds.push(tf.reshape(s, [-1]));
    }
    return tf.concat([sumRows(r), ...firsts, ...seconds, sumRows(tf.reshape(ll, [n, 1]))]) as tf.Tensor1D;
  });
}
