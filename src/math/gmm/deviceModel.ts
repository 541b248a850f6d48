import * as tf from '@tensorflow/tfjs-core';
import { TfjsEmError } from '../../errors.js';
import { GaussianParams, centreOfMeans, gaussianCoefficients, unresolvableVariance } from './params.js';

/** The e-step's Gaussians on the device, one layout for every path: nu, h [D, K] and c [K] (see gaussianCoefficients). */
export interface DeviceGaussians {
  nu: tf.Tensor2D;
  h: tf.Tensor2D;
  c: tf.Tensor1D;
}

/**
 * A model's Gaussians held on the device in tf.Variables, refreshed from float64
 * parameters, and what the host needs to read the e-step's output: the shift
 * subtracted from the data, and each Gaussian's centre as the device holds it
 * (shift + float32 nu, [K, D] float64): the point its moments are taken about.
 */
export class DeviceModel {
  shift: Float64Array = new Float64Array(0);
  centres: Float64Array = new Float64Array(0);
  private vars: { nu: tf.Variable; h: tf.Variable; c: tf.Variable } | null = null;

  /** Loads parameters; throws PRECISION where float32 cannot resolve a variance at its place. */
  update(params: GaussianParams): void {
    const k = params.weights.length;
    const d = params.means.length / k;
    const shift = centreOfMeans(params);
    checkResolvable(params, shift);
    const coefficients = gaussianCoefficients(params, shift);
    const nu32 = Float32Array.from(coefficients.nu);
    const values = {
      nu: tf.tensor2d(nu32, [d, k]),
      h: tf.tensor2d(Float32Array.from(coefficients.h), [d, k]),
      c: tf.tensor1d(Float32Array.from(coefficients.c)),
    };
    this.shift = shift;
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
  }

  get loaded(): boolean {
    return this.vars !== null;
  }

  get gaussians(): DeviceGaussians {
    if (this.vars === null) throw new Error('DeviceModel: no parameters loaded');
    const { nu, h, c } = this.vars;
    return { nu: nu as tf.Tensor2D, h: h as tf.Tensor2D, c: c as tf.Tensor1D };
  }

  dispose(): void {
    if (this.vars !== null) tf.dispose([this.vars.nu, this.vars.h, this.vars.c]);
    this.vars = null;
  }
}

/** A variance float32 cannot resolve is an error, not silently wrong likelihoods. */
function checkResolvable(params: GaussianParams, shift: Float64Array): void {
  const bad = unresolvableVariance(params, shift);
  if (bad === null) return;
  const d = shift.length;
  throw new TfjsEmError(
    'PRECISION',
    `Gaussian ${Math.floor(bad.index / d)} has variance ${bad.variance} in feature ${bad.index % d}, below what float32 ` +
      `resolves at its mean (${bad.resolution ** 2}): raise varianceThresholds (e.g. to 1e-6 times the data's variance)`,
  );
}
