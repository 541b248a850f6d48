import type { DataPasses } from '../../data/passes.js';
import type { Random } from '../random.js';

/** 'random': k distinct samples, drawn uniformly. Returns [k, D] float64. */
export function initRandom(x: DataPasses, k: number, rng: Random): Promise<Float64Array> {
  return x.rows(rng.sampleWithoutReplacement(x.nSamples, k));
}
