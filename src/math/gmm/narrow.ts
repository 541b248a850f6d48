/**
 * Gaussians narrower than float32 resolves at their place run on the device with their
 * variances raised to that resolution (see deviceVariances); their samples coincide with
 * their centre as float32 sees them. These put back the log-normalisation the raising took
 * away (lost_k per Gaussian), in float64 on the host.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DeviceGaussians } from './deviceModel.js';
import type { GaussianParams } from './params.js';
import type { Moments } from './moments.js';
import { TfjsEmError } from '../../errors.js';

/** What an e-step's summed log-likelihood lacks: sum_k n_k lost_k (its responsibilities times each loss). */
export function lostLogLikelihood(n: Float64Array, lost: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < n.length; k++) if (lost[k] > 0) sum += n[k] * lost[k];
  return sum;
}

/** The device Gaussians `which` alone ([D, U] and [U]), for their per-sample terms; the caller disposes them. */
export function gaussiansSubset(g: DeviceGaussians, which: number[]): DeviceGaussians {
  return tf.tidy(() => {
    const index = tf.tensor1d(which, 'int32');
    return { nu: tf.gather(g.nu, index, 1), h: tf.gather(g.h, index, 1), c: tf.gather(g.c, index) };
  });
}

/**
 * Per-sample log-likelihoods with the narrow Gaussians' normalisation restored, written to
 * out[at...]: with rho_u = exp(a_iu - ll_i) the share of narrow Gaussian u in sample i
 * (terms a [n, U] row-major, as the device computed them),
 *   ll'_i = ll_i + log(1 - sum_u rho_u + sum_u rho_u exp(lost_u)), in log-sum-exp form.
 */
export function restoreNarrow(ll: ArrayLike<number>, terms: ArrayLike<number>, lost: number[], out: Float64Array, at: number): void {
  const u = lost.length;
  for (let i = 0; i < ll.length; i++) {
    const base = ll[i];
    if (base === -Infinity) {
      out[at + i] = base;
      continue;
    }
    let rest = 1;
    let top = -Infinity;
    for (let v = 0; v < u; v++) {
      rest -= Math.exp(terms[i * u + v] - base);
      top = Math.max(top, terms[i * u + v] - base + lost[v]);
    }
    rest = Math.max(rest, 0);
    if (rest > 0) top = Math.max(top, 0);
    let sum = rest > 0 ? rest * Math.exp(-top) : 0;
    for (let v = 0; v < u; v++) sum += Math.exp(terms[i * u + v] - base + lost[v] - top);
    out[at + i] = base + top + Math.log(sum);
  }
}

/**
 * PRECISION where a narrow Gaussian (variance raised on the device) holds samples (responsibility
 * above 1e-2) spread, as float32 sees them, by more than rounding leaves between copies of one
 * sample (1e-3 of the raised variance) yet within it: the data there vary by less than float32
 * resolves, so any variance estimate would be rounding noise. Copies of one sample, or a lone
 * sample, measure (almost) no spread and pass. null: none.
 */
export function unresolvedSpread(stats: Moments, params: GaussianParams, device: { shift: Float64Array; variances: Float64Array }): TfjsEmError | null {
  const { n, first, second, nFeatures: d } = stats;
  for (let e = 0; e < params.variances.length; e++) {
    const k = Math.floor(e / d);
    const resolvable = device.variances[e];
    if (!(resolvable > params.variances[e]) || !(n[k] > 1e-2)) continue;
    const mean = first[e] / n[k];
    const spread = second[e] / n[k] - mean * mean;
    if (!(spread > 1e-3 * resolvable && spread < resolvable)) continue;
    const j = e % d;
    const place = Math.abs(params.means[e] - device.shift[j]);
    return new TfjsEmError(
      'PRECISION',
      `Gaussian ${k} holds ${fmt(n[k])} samples spread by ${fmt(Math.sqrt(spread))} in feature ${j}, ${fmt(place)} from the ` +
        `other Gaussians' centre, where float32 resolves a variance of ${fmt(resolvable)} at best: their likelihoods ` +
        `would be rounding noise; raise varianceThresholds in feature ${j} to at least ${fmt(resolvable)}, or model that region on its own`,
    );
  }
  return null;
}

/** A number for messages: 3 significant digits. */
export function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}
