import * as tf from '@tensorflow/tfjs-core';
import { E_STEP, LOG_LIKELIHOOD } from '../../../kernels/kernelNames.js';
import { registerEStepKernels } from '../../../kernels/register.js';
import type { DeviceGaussians } from './deviceModel.js';
import { eStepChunk } from '../../../kernels/plain/eStep.js';
import { logLikelihoodChunk } from '../../../kernels/plain/logLikelihood.js';
import { logWeightedLikelihood } from '../../../kernels/plain/logWeightedLikelihood.js';
import { hostEStep, hostLogLikelihood } from '../../../kernels/host/hostEStep.js';
import type { HostCompute } from '../../data/streamChunks.js';

/**
 * 'auto': the backend's E_STEP / LOG_LIKELIHOOD kernel, fused where one is
 * registered (kernels/register.ts), else the plain-ops kernel. 'fused': the
 * fused kernel or a BACKEND_UNAVAILABLE error. 'plain': the TF.js ops.
 */
export type EStepMode = 'auto' | 'fused' | 'plain';
/** The packed e-step of a chunk of centred samples, each row counting w_i times when weights are given (see eStepChunk). */
export type EStepChunk = (y: tf.Tensor2D, g: DeviceGaussians, w?: tf.Tensor1D | null) => tf.Tensor1D;
/** log p(y_i) per row of a chunk, [n]. */
export type LogLikelihoodChunk = (y: tf.Tensor2D, g: DeviceGaussians) => tf.Tensor1D;

/** The Gaussians' float32 values as the device holds them (nu, h [D, K], c [K]), for the host kernels. */
export interface HostGaussians {
  nu: Float32Array;
  h: Float32Array;
  c: Float32Array;
}

/** Backends whose fused e-step is the host kernel (kernels/cpu, kernels/wasm). */
const HOST_KERNEL_BACKENDS = ['cpu', 'wasm'];

/** Whether the host kernel runs the op now: the current backend's fused kernel is it, and the mode lets it run. */
const hostKernelRuns = (mode: EStepMode) => mode !== 'plain' && HOST_KERNEL_BACKENDS.includes(tf.getBackend());

/**
 * The e-step's host twin (see streamChunks) where the current backend's fused kernel is the host
 * kernel and the mode lets it run; else undefined. g() gives the Gaussians when it runs.
 */
export function hostEStepFor(mode: EStepMode, g: () => HostGaussians): HostCompute | undefined {
  if (!hostKernelRuns(mode)) return undefined;
  return (rows, n, shift, w) => {
    const { nu, h, c } = g();
    return hostEStep(rows, n, shift.length, nu, h, c, w, shift);
  };
}

/** The scoring op's host twin, as hostEStepFor. */
export function hostLogLikelihoodFor(mode: EStepMode, g: () => HostGaussians): HostCompute | undefined {
  if (!hostKernelRuns(mode)) return undefined;
  return (rows, n, shift) => {
    const { nu, h, c } = g();
    return hostLogLikelihood(rows, n, shift.length, nu, h, c, shift);
  };
}

/** The e-step op: one runKernel, whichever backend is current when it is called. */
export function eStepChunkFor(mode: EStepMode = 'auto'): EStepChunk {
  return opFor(E_STEP, mode, eStepChunk);
}

/** The scoring op, as eStepChunkFor. */
export function logLikelihoodChunkFor(mode: EStepMode = 'auto'): LogLikelihoodChunk {
  return opFor(LOG_LIKELIHOOD, mode, logLikelihoodChunk);
}

function opFor(kernelName: string, mode: EStepMode, plain: (y: tf.Tensor2D, g: DeviceGaussians, w?: tf.Tensor1D) => tf.Tensor1D): EStepChunk {
  if (mode === 'plain') return (y, g, w) => plain(y, g, w ?? undefined);
  return (y, g, w) => {
    registerEStepKernels();
    const { nu, h, c } = g;
    const inputs: tf.NamedTensorMap = w === undefined || w === null ? { y, nu, h, c } : { y, nu, h, c, w };
    return tf.engine().runKernel(kernelName, inputs, { fusedOnly: mode === 'fused' }) as tf.Tensor1D;
  };
}

/** log(w_k N(y_i | k)) per row and Gaussian, [n, K], in plain TF.js ops on any backend (no kernel computes it). */
export const logWeightedLikelihoodChunk: (y: tf.Tensor2D, g: DeviceGaussians) => tf.Tensor2D = logWeightedLikelihood;

/**
 * Each row's responsibilities, [n, K]: exp(log w_k N(y | k) + lost_k - log p(y)) from the rows'
 * log(w_k N(y | k)) [n, K], in plain TF.js ops on any backend (lost: each Gaussian's restored
 * log-normalisation, see narrow.ts). A row of no finite log-likelihood gets zeros.
 */
export function responsibilitiesChunk(weightedLikelihoods: tf.Tensor2D, lost: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const lwl = tf.add(weightedLikelihoods, lost);
    const top = tf.max(lwl, 1, true);
    const shifted = tf.exp(tf.sub(lwl, tf.where(tf.isFinite(top), top, tf.zerosLike(top))));
    return tf.div(shifted, tf.maximum(tf.sum(shifted, 1, true), tf.scalar(1e-30))) as tf.Tensor2D;
  });
}
