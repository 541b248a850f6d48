import * as tf from '@tensorflow/tfjs-core';
import { logSumExpRows } from './logSumExp.js';
import { sumRows } from './sumRows.js';
import { differences, gaussianBlocks, logWeightedLikelihood } from './logWeightedLikelihood.js';
import { responsibilitiesOf } from './fullEStep.js';
import type { DeviceGaussians } from '../kernelNames.js';
import type { WhitenedGaussians } from '../fullKernelNames.js';

/** The whitened centres q [K, D] as unit-variance diagonal Gaussians (nu = q^T, h = 1/2; c = 0 unless given). */
export function unitGaussians(q: tf.Tensor2D, c?: tf.Tensor1D): DeviceGaussians {
  const nu = tf.transpose(q) as tf.Tensor2D;
  return { nu, h: tf.fill(nu.shape, 0.5) as tf.Tensor2D, c: c ?? (tf.zeros([q.shape[0]]) as tf.Tensor1D) };
}

/** z = P y [n, D] and the whitened centres as unit-variance diagonal Gaussians. */
export function whitenedProblem(y: tf.Tensor2D, g: WhitenedGaussians): { z: tf.Tensor2D; unit: DeviceGaussians } {
  return { z: tf.matMul(y, g.p as tf.Tensor2D, false, true) as tf.Tensor2D, unit: unitGaussians(g.m, g.c) };
}

/** log(w_k N(y_i | k)) = c_k - 0.5 ||P y_i - q_k||^2 under a tied covariance, [n, K]. */
export function tiedLogWeightedLikelihood(y: tf.Tensor2D, g: WhitenedGaussians): tf.Tensor2D {
  return tf.tidy(() => {
    const { z, unit } = whitenedProblem(y, g);
    return logWeightedLikelihood(z, unit);
  });
}

/** log p(y_i) per row under a tied covariance, [n]. */
export function tiedLogLikelihoodChunk(y: tf.Tensor2D, g: WhitenedGaussians): tf.Tensor1D {
  return tf.tidy(() => logSumExpRows(tiedLogWeightedLikelihood(y, g)));
}

/** The tied-covariance e-step of one chunk in plain TF.js ops, packed as TIED_E_STEP (../fullKernelNames.ts). */
export function tiedEStepChunk(y: tf.Tensor2D, g: WhitenedGaussians, w?: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const { z, unit } = whitenedProblem(y, g);
    const { r, ll } = responsibilitiesOf(logWeightedLikelihood(z, unit), w);
    return tiedMoments(z, g.m, r, ll);
  });
}

/**
 * The TIED_E_STEP statistics from the whitened rows z = P y [n, D], the whitened centres
 * q [K, D], the responsibilities r [n, K] and each row's log-likelihood contribution ll [n].
 */
export function tiedMoments(z: tf.Tensor2D, q: tf.Tensor2D, r: tf.Tensor2D, ll: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const [n, d] = z.shape;
    const k = q.shape[0];
    const unit = unitGaussians(q);
    // sum_i r_ik (z_i - q_k), by direct differences per block of Gaussians, as [K, D]
    const firsts = gaussianBlocks(n, d, k).map(([first, count]) =>
      tf.tidy(() => {
        const weighted = tf.mul(tf.expandDims(tf.slice(r, [0, first], [-1, count]), 2), differences(z, unit, first, count));
        return tf.reshape(sumRows(tf.reshape(weighted, [n, count * d])), [count * d]);
      }),
    );
    // The row's mean centre m_i = sum_k p_ik q_k under its posterior p (r without the weight);
    // a row of no mass (all r 0) has no residual either.
    const mass = tf.sum(r, 1, true);
    const posterior = tf.divNoNan(r, mass);
    const residual = tf.mul(tf.sub(z, tf.matMul(posterior, q)), tf.cast(tf.greater(mass, 0), 'float32'));
    const scatter = tf.matMul(tf.mul(residual, mass), residual, true, false); // sum_i w_i res res^T
    const pairs = tf.matMul(r, posterior, true, false); // sum_i w_i p_i p_i^T
    return tf.concat([sumRows(r), ...firsts, tf.reshape(scatter, [-1]), tf.reshape(pairs, [-1]), sumRows(tf.reshape(ll, [n, 1]))]) as tf.Tensor1D;
  });
}
