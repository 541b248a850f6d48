import type { Random } from '../random.js';

/**
 * An index drawn with probability proportional to weights, never one in taken
 * (their weights are expected to be 0). When every weight is 0 (all remaining
 * points coincide with chosen ones) a uniformly random index not in taken is
 * drawn instead; taken must leave at least one index free.
 */
export function drawIndex(rng: Random, weights: ArrayLike<number>, taken: Set<number>): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) if (!taken.has(i)) total += weights[i];
  if (total > 0) {
    const i = rng.weightedIndex(weights);
    if (!taken.has(i)) return i;
  }
  for (;;) {
    const i = rng.integer(weights.length);
    if (!taken.has(i)) return i;
  }
}
