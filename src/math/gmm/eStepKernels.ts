import * as tf from '@tensorflow/tfjs-core';
import { E_STEP, LOG_LIKELIHOOD, RESPONSIBILITIES } from '../../../kernels/kernelNames.js';
import { registerFusedKernels } from '../../../kernels/register.js';
import { TfjsEmError } from '../../errors.js';
import { logSumExpRows } from '../logSumExp.js';
import { DeviceGaussians, logWeightedLikelihood } from './logWeightedLikelihood.js';
import { eStepChunk } from './eStep.js';

/**
 * 'plain': TF.js ops. 'fused': a registered fused kernel (kernels/register.ts) or an
 * error. 'auto': the host e-step kernel where registered (cpu, wasm: 4-20x faster than
 * the ops), else the ops: the GPU responsibilities kernels were no faster than the ops on
 * software adapters (lavapipe, llvmpipe) and are unmeasured on GPUs (docs/speed.md).
 * The kernels take the GEMM form; the direct form (small models, second moments about
 * each centre) always runs the ops, and 'fused' refuses it.
 */
export type EStepMode = 'auto' | 'fused' | 'plain';
export type EStepChunk = (y: tf.Tensor2D, g: DeviceGaussians) => tf.Tensor1D;
/** log p(y_i) per row of a chunk, [n]: what logSumExpRows(logWeightedLikelihood(y, g)) gives. */
export type LogLikelihoodChunk = (y: tf.Tensor2D, g: DeviceGaussians) => tf.Tensor1D;

/** Which fused kernel serves a backend, if any (see kernels/register.ts). */
export function fusedKernelFor(backend: string): typeof E_STEP | typeof RESPONSIBILITIES | null {
  if (tf.getKernel(E_STEP, backend) !== undefined) return E_STEP;
  if (tf.getKernel(RESPONSIBILITIES, backend) !== undefined) return RESPONSIBILITIES;
  return null;
}

/**
 * An e-step with eStepChunk's signature and packed output, choosing per call
 * (the backend may change between calls) between the fused kernels and the
 * plain ops.
 */
export function eStepChunkFor(mode: EStepMode = 'auto'): EStepChunk {
  registerFusedKernels();
  if (mode === 'plain') return eStepChunk;
  return (y, g) => {
    const backend = tf.getBackend();
    if (g.form !== 'gemm') {
      if (mode === 'fused') throw noKernel('e-step', backend, g.form);
      return eStepChunk(y, g);
    }
    switch (fusedKernelFor(backend)) {
      case E_STEP:
        return tf.engine().runKernel(E_STEP, { y, weights: g.weights, bias: g.bias }) as tf.Tensor1D;
      case RESPONSIBILITIES:
        if (mode === 'fused') return eStepByResponsibilities(y, g);
        return eStepChunk(y, g);
      default:
        if (mode === 'fused') throw noKernel('e-step', backend, g.form);
        return eStepChunk(y, g);
    }
  };
}

const plainLogLikelihood: LogLikelihoodChunk = (y, g) => tf.tidy(() => logSumExpRows(logWeightedLikelihood(y, g)));

/** The scoring path: the host log-likelihood kernel (cpu, wasm) or the plain ops, per mode as eStepChunkFor. */
export function logLikelihoodChunkFor(mode: EStepMode = 'auto'): LogLikelihoodChunk {
  registerFusedKernels();
  if (mode === 'plain') return plainLogLikelihood;
  return (y, g) => {
    const backend = tf.getBackend();
    if (g.form === 'gemm' && tf.getKernel(LOG_LIKELIHOOD, backend) !== undefined) {
      return tf.engine().runKernel(LOG_LIKELIHOOD, { y, weights: g.weights, bias: g.bias }) as tf.Tensor1D;
    }
    if (mode === 'fused') throw noKernel('log-likelihood', backend, g.form);
    return plainLogLikelihood(y, g);
  };
}

function noKernel(what: string, backend: string, form: DeviceGaussians['form']): TfjsEmError {
  return new TfjsEmError(
    'BACKEND_UNAVAILABLE',
    form === 'gemm'
      ? `No fused ${what} kernel is registered for the '${backend}' backend (see kernels/register.ts).`
      : `The fused ${what} kernels take the GEMM form; this model uses the ${form} form.`,
  );
}

/**
 * The fused responsibilities kernel on the direct-difference form, then the
 * statistics by one matMul: [y, y^2, 1]^T [R | log p] holds sum r y, sum r y^2
 * and sum r in its first K columns (its last column is not used: sum log p is
 * summed by tf.sum, a tree reduction, more accurate in float32 than matMul's
 * running sums).
 */
function eStepByResponsibilities(y: tf.Tensor2D, g: DeviceGaussians): tf.Tensor1D {
  return tf.tidy(() => {
    const [n, d] = y.shape;
    const k = g.bias.shape[0];
    // W = [-h; 2 h nu], b = c - sum_j nu^2 h (see gemmCoefficients).
    const [w1, w2] = tf.split(g.weights, 2, 0);
    const h = tf.neg(w1);
    const nu = tf.div(w2, tf.mul(h, 2));
    const c = tf.add(g.bias, tf.sum(tf.mul(tf.square(nu), h), 0));
    const r = tf.engine().runKernel(RESPONSIBILITIES, { y, nu, h, c }) as tf.Tensor2D;
    // [y, y^2, 1]^T, transposed explicitly as in eStepChunk.
    const moments = tf.transpose(tf.concat([y, tf.square(y), tf.ones([n, 1])], 1));
    const stats = tf.matMul(moments, r);
    const sums = tf.slice(stats, [0, 0], [2 * d + 1, k]);
    const ll = tf.sum(tf.slice(r, [0, k], [n, 1]));
    return tf.concat([tf.reshape(sums, [-1]), tf.reshape(ll, [1])]) as tf.Tensor1D;
  });
}
