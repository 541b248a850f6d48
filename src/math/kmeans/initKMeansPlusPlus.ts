import type { DataPasses } from '../../data/passes.js';
import type { Random } from '../random.js';
import { drawIndex } from './drawIndex.js';

/**
 * 'k-means++' (Arthur and Vassilvitskii, 2007): the first centre is a uniformly
 * drawn sample, each next one a sample drawn with probability proportional to
 * its squared distance to the closest centre chosen so far (both times its weight, when weighted). One pass over the
 * data per centre (the distances to the new centre, measured on data centred
 * on that centre, so exactly ||x - c||^2 up to float32 rounding). Returns [k, D].
 */
export async function initKMeansPlusPlus(x: DataPasses, k: number, rng: Random): Promise<Float64Array> {
  const d = x.nFeatures;
  const weights = await x.weights();
  const centres = new Float64Array(k * d);
  const taken = new Set<number>();
  let minD: Float64Array = new Float64Array(0);
  let pick = weights === null ? rng.integer(x.nSamples) : drawIndex(rng, weights, taken);
  for (let c = 0; ; c++) {
    taken.add(pick);
    const centre = await x.rows([pick]);
    centres.set(centre, c * d);
    if (c === k - 1) return centres;
    const dist = await x.minDistances(centre, 1);
    if (c === 0) minD = dist;
    else for (let i = 0; i < minD.length; i++) minD[i] = Math.min(minD[i], dist[i]);
    for (const t of taken) minD[t] = 0;
    pick = drawIndex(rng, weights === null ? minD : minD.map((v, i) => v * weights[i]), taken);
  }
}
