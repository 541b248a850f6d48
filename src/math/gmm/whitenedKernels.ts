import * as tf from '@tensorflow/tfjs-core';
import { registerEStepKernels } from '../../../kernels/register.js';
import {
  FULL_E_STEP, FULL_LOG_LIKELIHOOD, TIED_E_STEP, TIED_LOG_LIKELIHOOD, type WhitenedGaussians,
} from '../../../kernels/fullKernelNames.js';
import { fullEStepChunk, fullLogLikelihoodChunk, fullLogWeightedLikelihood } from '../../../kernels/plain/fullEStep.js';
import { tiedEStepChunk, tiedLogLikelihoodChunk, tiedLogWeightedLikelihood } from '../../../kernels/plain/tiedEStep.js';
import type { EStepMode } from './eStepKernels.js';

/** The e-step and scoring ops of full (tied = false) or tied covariances, one runKernel each (modes as eStepChunkFor's). */
export function whitenedOps(tied: boolean, mode: EStepMode) {
  const [eStepName, logLikelihoodName] = tied ? [TIED_E_STEP, TIED_LOG_LIKELIHOOD] : [FULL_E_STEP, FULL_LOG_LIKELIHOOD];
  const plain = tied
    ? { eStep: tiedEStepChunk, logLikelihood: tiedLogLikelihoodChunk }
    : { eStep: fullEStepChunk, logLikelihood: fullLogLikelihoodChunk };
  const run = (name: string, y: tf.Tensor2D, g: WhitenedGaussians, w?: tf.Tensor1D | null) => {
    registerEStepKernels();
    const inputs: tf.NamedTensorMap = { y, m: g.m, p: g.p, c: g.c, ...(w === undefined || w === null ? {} : { w }) };
    return tf.engine().runKernel(name, inputs, { fusedOnly: mode === 'fused' }) as tf.Tensor1D;
  };
  return {
    eStep: (y: tf.Tensor2D, g: WhitenedGaussians, w: tf.Tensor1D | null): tf.Tensor1D =>
      mode === 'plain' ? plain.eStep(y, g, w ?? undefined) : run(eStepName, y, g, w),
    logLikelihood: (y: tf.Tensor2D, g: WhitenedGaussians): tf.Tensor1D =>
      mode === 'plain' ? plain.logLikelihood(y, g) : run(logLikelihoodName, y, g),
    logWeightedLikelihood: tied ? tiedLogWeightedLikelihood : fullLogWeightedLikelihood,
  };
}
