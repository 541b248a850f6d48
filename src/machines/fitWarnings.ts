/** What a fit warns about when it ends (see TfjsEmWarning). */
import { featureVariances, type Moments } from '../math/gmm/moments.js';
import { fmt } from '../math/gmm/narrow.js';
import type { TfjsEmWarning } from '../warnings.js';

/**
 * VARIANCE_AT_FLOOR when Gaussians that hold samples (n >= 0.5 in the last e-step) end with
 * their variance on a floor far below the feature's spread in the data (1e-6 of its
 * variance), or of the widest feature's where the data hold this one constant: their samples
 * share one value there, and the model is a spike that scores anything off it as all but
 * impossible. `variances` and `floors` are [K, D] row-major.
 */
export function varianceAtFloor(stats: Moments, variances: Float64Array, floors: Float64Array): TfjsEmWarning | null {
  const { nGaussians: k, nFeatures: d } = stats;
  const spread = featureVariances(stats);
  const widest = Math.max(...spread);
  const features = new Map<number, number[]>();
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < k; i++) {
      const e = i * d + j;
      const tiny = floors[e] < 1e-6 * (spread[j] <= floors[e] ? widest : spread[j]);
      if (stats.n[i] >= 0.5 && variances[e] <= floors[e] && tiny) features.set(j, [...(features.get(j) ?? []), i]);
    }
  }
  if (features.size === 0) return null;
  const [j, gaussians] = features.entries().next().value!;
  const floor = floors[gaussians[0] * d + j];
  const list = (values: number[]) => values.slice(0, 8).join(', ') + (values.length > 8 ? ', ...' : '');
  return {
    code: 'VARIANCE_AT_FLOOR',
    message:
      `Gaussians holding samples ended with their variance on the floor in feature(s) ${list([...features.keys()])} (in feature ${j}: ` +
      `Gaussian(s) ${list(gaussians)}, floor ${fmt(floor)}, the data's variance there ${fmt(spread[j])}): their samples share one ` +
      `value there (a constant feature, copies of one row, a lone sample). The floor is the smallest variance a Gaussian may have: ` +
      `with ${fmt(floor)}, a sample 0.001 away from that value scores ${fmt((0.5 * 1e-6) / floor)} lower under such a Gaussian. Raise ` +
      `varianceThresholds to the smallest variance that matters in the feature's units, or leave the feature out`,
  };
}
