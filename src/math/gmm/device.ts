import type * as tf from '@tensorflow/tfjs-core';
import type { GaussianParams } from './params.js';
import type { Moments } from './moments.js';
import type { EStepMode } from './eStepKernels.js';
import type { HostCompute } from '../../data/streamChunks.js';

/** Adds each chunk's e-step output to statistics; finish() completes them once every chunk is in. */
export interface ChunkAccumulator {
  /** One chunk's packed e-step output; `rows`: its count of samples, or their total weight. */
  add(chunk: Float32Array, rows: number): void;
  finish(): void;
}

/**
 * A model's Gaussians on the device, as one covariance type computes with them (see
 * covariances/form.ts): refreshed from float64 parameters, the ops that run on chunks of
 * samples centred by `shift`, and how their output becomes float64 statistics.
 */
export interface GaussianDevice {
  /** The point subtracted from the data before it reaches the device, [D]. */
  readonly shift: Float64Array;
  /** Per Gaussian, the log-normalisation the device cannot carry (narrow diagonal Gaussians; else 0), [K]. */
  readonly lost: Float64Array;
  /** The Gaussians of lost > 0. */
  readonly narrow: number[];
  readonly loaded: boolean;
  /** Loads parameters (throws INVALID_DATA where float32 cannot hold them). */
  update(params: GaussianParams): void;
  /** The packed e-step of a chunk (its rows weighted when w is given), one kernel; with its host twin where one runs. */
  eStep(mode: EStepMode): ((y: tf.Tensor2D, w: tf.Tensor1D | null) => tf.Tensor1D) & { host?: HostCompute };
  /** log p(y_i) per row, [n]; with its host twin where one runs. */
  logLikelihood(mode: EStepMode): ((y: tf.Tensor2D) => tf.Tensor1D) & { host?: HostCompute };
  /** log(w_k N(y_i | k)) per row and Gaussian, [n, K], in plain ops. */
  logWeightedLikelihood(): (y: tf.Tensor2D) => tf.Tensor2D;
  /** Accumulates e-step outputs of the loaded parameters into `stats` (of this type's second-moment layout). */
  accumulator(stats: Moments): ChunkAccumulator;
  dispose(): void;
}
