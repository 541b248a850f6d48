import * as tf from '@tensorflow/tfjs-core';
import { TfjsEmError } from '../../errors.js';
import { FLOAT32_REACH } from '../../data/matrix.js';
import { GaussianParams, centreOfMeans, deviceVariances, gaussianCoefficients } from './params.js';
import type { DeviceGaussians } from '../../../kernels/kernelNames.js';
import {
  type EStepMode, type HostGaussians, eStepChunkFor, hostEStepFor, hostLogLikelihoodFor, logLikelihoodChunkFor, logWeightedLikelihoodChunk,
} from './eStepKernels.js';
import { type Moments, accumulateChunk } from './moments.js';
import { lostLogLikelihood } from './narrow.js';
import type { ChunkAccumulator, GaussianDevice } from './device.js';

/** The e-step's Gaussians on the device, one layout for every path: nu, h [D, K] and c [K] (see gaussianCoefficients). */
export type { DeviceGaussians };

/**
 * A diagonal model's Gaussians (diag and spherical covariances) held on the device in
 * tf.Variables, refreshed from float64 parameters, and what the host needs to read the
 * e-step's output: the shift
 * subtracted from the data, each Gaussian's centre as the device holds it
 * (shift + float32 nu, [K, D] float64): the point its moments are taken about, and
 * the log-normalisation float32 cannot carry for Gaussians narrower than it resolves
 * (see deviceVariances; `narrow` lists them).
 */
export class DeviceModel implements GaussianDevice {
  shift: Float64Array = new Float64Array(0);
  centres: Float64Array = new Float64Array(0);
  /** The variances the device computes with, [K, D] (see deviceVariances). */
  variances: Float64Array = new Float64Array(0);
  lost: Float64Array = new Float64Array(0);
  narrow: number[] = [];
  private vars: { nu: tf.Variable; h: tf.Variable; c: tf.Variable } | null = null;
  /** The variables' values, for the host kernels. */
  private hostValues: HostGaussians | null = null;

  /** Loads parameters; throws INVALID_DATA where a mean lies beyond float32's reach of the others. */
  update(params: GaussianParams): void {
    const k = params.weights.length;
    const d = params.means.length / k;
    const shift = centreOfMeans(params);
    checkReach(params, shift);
    const { variances, lost } = deviceVariances(params, shift);
    const coefficients = gaussianCoefficients({ ...params, variances }, shift);
    const nu32 = Float32Array.from(coefficients.nu);
    const host = { nu: nu32, h: Float32Array.from(coefficients.h), c: Float32Array.from(coefficients.c) };
    const values = { nu: tf.tensor2d(nu32, [d, k]), h: tf.tensor2d(host.h, [d, k]), c: tf.tensor1d(host.c) };
    this.shift = shift;
    this.variances = variances;
    this.lost = lost;
    this.narrow = Array.from(lost.keys()).filter((i) => lost[i] > 0);
    this.centres = new Float64Array(k * d);
    for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) this.centres[i * d + j] = shift[j] + nu32[j * k + i];
    if (this.vars === null || this.vars.nu.shape[0] !== d || this.vars.nu.shape[1] !== k) {
      this.dispose();
      this.vars = { nu: tf.variable(values.nu, false), h: tf.variable(values.h, false), c: tf.variable(values.c, false) };
    } else {
      this.vars.nu.assign(values.nu);
      this.vars.h.assign(values.h);
      this.vars.c.assign(values.c);
    }
    tf.dispose([values.nu, values.h, values.c]);
    this.hostValues = host;
  }

  get loaded(): boolean {
    return this.vars !== null;
  }

  get gaussians(): DeviceGaussians {
    if (this.vars === null) throw new Error('DeviceModel: no parameters loaded');
    const { nu, h, c } = this.vars;
    return { nu: nu as tf.Tensor2D, h: h as tf.Tensor2D, c: c as tf.Tensor1D };
  }

  eStep(mode: EStepMode) {
    const op = eStepChunkFor(mode);
    return Object.assign((y: tf.Tensor2D, w: tf.Tensor1D | null) => op(y, this.gaussians, w), { host: hostEStepFor(mode, () => this.host) });
  }

  logLikelihood(mode: EStepMode) {
    const op = logLikelihoodChunkFor(mode);
    return Object.assign((y: tf.Tensor2D) => op(y, this.gaussians), { host: hostLogLikelihoodFor(mode, () => this.host) });
  }

  private get host(): HostGaussians {
    if (this.hostValues === null) throw new Error('DeviceModel: no parameters loaded');
    return this.hostValues;
  }

  logWeightedLikelihood() {
    return (y: tf.Tensor2D) => logWeightedLikelihoodChunk(y, this.gaussians);
  }

  /** Chunks added about the device's centres; finish() puts back the narrow Gaussians' lost normalisation. */
  accumulator(stats: Moments): ChunkAccumulator {
    return {
      add: (chunk, rows) => accumulateChunk(stats, chunk, this.centres, rows),
      finish: () => {
        stats.logLikelihood += lostLogLikelihood(stats.n, this.lost);
      },
    };
  }

  dispose(): void {
    if (this.vars !== null) tf.dispose([this.vars.nu, this.vars.h, this.vars.c]);
    this.vars = null;
    this.hostValues = null;
  }
}

/** A mean too far from the others for float32 to square the distances between them is an error, not NaN. */
export function checkReach(params: GaussianParams, shift: Float64Array): void {
  const d = shift.length;
  const bad = params.means.findIndex((m, e) => !(Math.abs(m - shift[e % d]) <= FLOAT32_REACH));
  if (bad < 0) return;
  const [k, j] = [Math.floor(bad / d), bad % d];
  throw new TfjsEmError(
    'INVALID_DATA',
    `Gaussian ${k}'s mean ${params.means[bad]} in feature ${j} lies ${Math.abs(params.means[bad] - shift[j]).toExponential(2)} from ` +
      `the other Gaussians': float32 devices square distances up to ${FLOAT32_REACH.toExponential(0)} only; remove or rescale the outlying samples`,
  );
}
