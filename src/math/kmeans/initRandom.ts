import type { DataPasses } from '../../data/passes.js';
import type { Random } from '../random.js';

/** 'random': k distinct samples, drawn uniformly (among those of non-zero weight, when weighted). Returns [k, D] float64. */
export async function initRandom(x: DataPasses, k: number, rng: Random): Promise<Float64Array> {
  const weights = await x.weights();
  if (weights === null) return x.rows(rng.sampleWithoutReplacement(x.nSamples, k));
  const live = Array.from(weights.keys()).filter((i) => weights[i] > 0);
  return x.rows(rng.sampleWithoutReplacement(live.length, k).map((i) => live[i]));
}
