import * as tf from '@tensorflow/tfjs-core';
import { LOG_2PI } from '../constants.js';
import { congruence, lowerTimesVector, symmetrize } from '../linalg.js';
import { type GaussianParams, centreOfMeans } from './params.js';
import { type Moments, recentre } from './moments.js';
import { checkReach } from './deviceModel.js';
import { whiteningOf } from './whitening.js';
import { whitenedOps } from './whitenedKernels.js';
import type { ChunkAccumulator, GaussianDevice } from './device.js';
import type { EStepMode } from './eStepKernels.js';
import type { WhitenedGaussians } from '../../../kernels/fullKernelNames.js';

/**
 * Full (tied = false) or tied Gaussians on the device (see kernels/fullKernelNames.ts): centres
 * and whitening factors in float32 tf.Variables, and on the host what maps the device's whitened
 * moments back to data space: `back`, the float64 inverse of each float32 factor, and the
 * centres in data space the moments are about (shift + nu, or shift + back q for tied).
 */
export class WhitenedDevice implements GaussianDevice {
  shift = new Float64Array(0);
  lost = new Float64Array(0);
  readonly narrow: number[] = [];
  private centres = new Float64Array(0);
  private back = new Float64Array(0);
  /** tied: the whitened centres q as the device holds them, [K, D]. */
  private q = new Float64Array(0);
  private vars: { m: tf.Variable; p: tf.Variable; c: tf.Variable } | null = null;

  constructor(private readonly tied: boolean) {}

  update(params: GaussianParams): void {
    const k = params.weights.length;
    const d = params.means.length / k;
    const shift = centreOfMeans(params);
    checkReach(params, shift);
    const w = whiteningOf(params.covariances!, d, this.tied);
    const m = new Float32Array(k * d);
    for (let i = 0; i < k; i++) {
      const offset = Float64Array.from({ length: d }, (_, j) => params.means[i * d + j] - shift[j]);
      m.set(this.tied ? lowerTimesVector(w.p, offset, d) : offset, i * d);
    }
    const centres = new Float64Array(k * d);
    for (let i = 0; i < k; i++) {
      const local = this.tied ? lowerTimesVector(w.back, m, d, 0, i * d) : m.subarray(i * d, (i + 1) * d);
      for (let j = 0; j < d; j++) centres[i * d + j] = shift[j] + local[j];
    }
    const c = Float32Array.from(params.weights, (wk, i) => Math.log(wk) - 0.5 * d * LOG_2PI + w.logDiagonal[this.tied ? 0 : i]);
    Object.assign(this, { shift, centres, back: w.back, q: Float64Array.from(m), lost: new Float64Array(k) });
    const values = { m: tf.tensor2d(m, [k, d]), p: tf.tensor(w.p, this.tied ? [d, d] : [k, d, d]), c: tf.tensor1d(c) };
    const fits = this.vars !== null && [0, 1].every((a) => this.vars!.m.shape[a] === values.m.shape[a]);
    if (fits) {
      this.vars!.m.assign(values.m);
      this.vars!.p.assign(values.p);
      this.vars!.c.assign(values.c);
    } else {
      this.dispose();
      this.vars = { m: tf.variable(values.m, false), p: tf.variable(values.p, false), c: tf.variable(values.c, false) };
    }
    tf.dispose([values.m, values.p, values.c]);
  }

  get loaded(): boolean {
    return this.vars !== null;
  }

  private get gaussians(): WhitenedGaussians {
    if (this.vars === null) throw new Error('WhitenedDevice: no parameters loaded');
    const { m, p, c } = this.vars;
    return { m: m as tf.Tensor2D, p: p as tf.Tensor3D, c: c as tf.Tensor1D };
  }

  eStep(mode: EStepMode) {
    const op = whitenedOps(this.tied, mode).eStep;
    return (y: tf.Tensor2D, w: tf.Tensor1D | null) => op(y, this.gaussians, w);
  }

  logLikelihood(mode: EStepMode) {
    const op = whitenedOps(this.tied, mode).logLikelihood;
    return (y: tf.Tensor2D) => op(y, this.gaussians);
  }

  logWeightedLikelihood() {
    const op = whitenedOps(this.tied, 'plain').logWeightedLikelihood;
    return (y: tf.Tensor2D) => op(y, this.gaussians);
  }

  accumulator(stats: Moments): ChunkAccumulator {
    const { nGaussians: k, nFeatures: d } = stats;
    const squares = this.tied ? d * d + k * k : k * d * d;
    const sums = new Float64Array(k + k * d + squares + 1);
    let rows = 0;
    return {
      add: (chunk, count) => {
        for (let i = 0; i < sums.length; i++) sums[i] += chunk[i];
        rows += count;
      },
      finish: () => {
        recentre(stats, this.centres);
        const first = sums.subarray(k, k + k * d);
        for (let i = 0; i < k; i++) {
          stats.n[i] += sums[i];
          const f = lowerTimesVector(this.back, first, d, this.tied ? 0 : i * d * d, i * d);
          for (let j = 0; j < d; j++) stats.first[i * d + j] += f[j];
        }
        const second = this.tied ? this.pooledWhitened(sums.subarray(k + k * d), k, d) : sums.subarray(k + k * d, k + k * d + k * d * d);
        for (let f = 0; f < (this.tied ? 1 : k); f++) {
          symmetrize(second, d, f * d * d);
          const s = congruence(this.back, second, d, f * d * d, f * d * d);
          for (let e = 0; e < d * d; e++) stats.second[f * d * d + e] += s[e];
        }
        stats.logLikelihood += sums[sums.length - 1];
        stats.t += rows;
      },
    };
  }

  /**
   * sum_ik r_ik (z_i - q_k)(z_i - q_k)^T from the tied e-step's blocks: the residual scatter
   * plus sum_{k<l} C_kl (q_k - q_l)(q_k - q_l)^T, computed as sum_k c_k q_k q_k^T - sum_{k != l}
   * C_kl q_k q_l^T (c_k: row sums of C off its diagonal) about the centres' mean, in float64.
   */
  private pooledWhitened(blocks: Float64Array, k: number, d: number): Float64Array {
    const out = Float64Array.from(blocks.subarray(0, d * d));
    const pairs = blocks.subarray(d * d, d * d + k * k);
    const mean = new Float64Array(d);
    for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) mean[j] += this.q[i * d + j] / k;
    const q = Float64Array.from(this.q, (v, e) => v - mean[e % d]);
    // t_k = sum_{l != k} C_kl q_l  and c_k = sum_{l != k} C_kl, with C symmetrised
    const t = new Float64Array(k * d);
    const c = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        if (a === b) continue;
        const v = 0.5 * (pairs[a * k + b] + pairs[b * k + a]);
        if (v === 0) continue;
        c[a] += v;
        for (let j = 0; j < d; j++) t[a * d + j] += v * q[b * d + j];
      }
    }
    for (let a = 0; a < k; a++) {
      for (let r = 0; r < d; r++) {
        const qr = q[a * d + r];
        for (let s = 0; s < d; s++) out[r * d + s] += c[a] * qr * q[a * d + s] - qr * t[a * d + s];
      }
    }
    return out;
  }

  dispose(): void {
    if (this.vars !== null) tf.dispose([this.vars.m, this.vars.p, this.vars.c]);
    this.vars = null;
  }
}
