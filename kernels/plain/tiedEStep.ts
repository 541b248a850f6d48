import * as tf from '@tensorflow/tfjs-core';
import { logSumExpRows } from './logSumExp.js';
import { sumRows } from './sumRows.js';
import { differences, gaussianBlocks, logWeightedLikelihood } from './logWeightedLikelihood.js';
import { responsibilitiesOf } from './fullEStep.js';
import type { DeviceGaussians } from '../kernelNames.js';
import type { WhitenedGaussians } from '../fullKernelNames.js';

/** z = P y [n, D] and the whitened centres as unit-variance diagonal Gaussians (nu = q^T, h = 1/2). */
function whitenedProblem(y: tf.Tensor2D, g: WhitenedGaussians): { z: tf.Tensor2D; unit: DeviceGaussians } {
  const z = tf.matMul(y, g.p as tf.Tensor2D, false, true) as tf.Tensor2D;
  const nu = tf.transpose(g.m) as tf.Tensor2D;
  return { z, unit: { nu, h: tf.fill(nu.shape, 0.5) as tf.Tensor2D, c: g.c } };
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
    const [n, d] = y.shape;
    const k = g.c.shape[0];
    const { z, unit } = whitenedProblem(y, g);
    const { r, ll } = responsibilitiesOf(logWeightedLikelihood(z, unit), w);
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
    const residual = tf.mul(tf.sub(z, tf.matMul(posterior, g.m)), tf.cast(tf.greater(mass, 0), 'float32'));
    const scatter = tf.matMul(tf.mul(residual, mass), residual, true, false); // sum_i w_i res res^T
    const pairs = tf.matMul(r, posterior, true, false); // sum_i w_i p_i p_i^T
    return tf.concat([sumRows(r), ...firsts, tf.reshape(scatter, [-1]), tf.reshape(pairs, [-1]), sumRows(tf.reshape(ll, [n, 1]))]) as tf.Tensor1D;
  });
}
