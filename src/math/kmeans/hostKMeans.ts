import type { Random } from '../random.js';
import { drawIndex } from './drawIndex.js';

/*
 * Weighted k-means on a small set of points (the k-means|| candidates), in
 * float64 on the host: points [m, D] row-major, one weight per point.
 */

function squaredDistance(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let f = 0; f < d; f++) {
    const t = a[i * d + f] - b[j * d + f];
    s += t * t;
  }
  return s;
}

/**
 * Greedy k-means++ seeding of k of the m points (as scikit-learn's): each centre is the best of
 * `trials` candidates drawn with probability proportional to weight x D^2, the one that lowers
 * the weighted potential sum w min D^2 most; trials 1 is plain k-means++.
 */
export function weightedKMeansPlusPlus(
  points: Float64Array,
  weights: Float64Array,
  m: number,
  k: number,
  rng: Random,
  trials = 1,
): Float64Array {
  const d = points.length / m;
  const centres = new Float64Array(k * d);
  const taken = new Set<number>();
  let minD: Float64Array = new Float64Array(m).fill(Infinity);
  const score = new Float64Array(m);
  let pick = drawIndex(rng, weights, taken);
  for (let c = 0; ; c++) {
    taken.add(pick);
    centres.set(points.subarray(pick * d, (pick + 1) * d), c * d);
    if (c === k - 1) return centres;
    minD = withCentre(points, m, minD, pick, taken);
    for (let i = 0; i < m; i++) score[i] = weights[i] * minD[i];
    pick = drawIndex(rng, score, taken);
    let best = potential(weights, withCentre(points, m, minD, pick, taken));
    for (let t = 1; t < trials && taken.size < m - 1; t++) {
      const candidate = drawIndex(rng, score, new Set([...taken, pick]));
      const value = potential(weights, withCentre(points, m, minD, candidate, taken));
      if (value < best) [best, pick] = [value, candidate];
    }
  }
}

/** Each point's squared distance to its closest centre once point `centre` is one too. */
function withCentre(points: Float64Array, m: number, minD: Float64Array, centre: number, taken: Set<number>): Float64Array {
  const d = points.length / m;
  const out: Float64Array = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = taken.has(i) || i === centre ? 0 : Math.min(minD[i], squaredDistance(points, i, points, centre, d));
  return out;
}

function potential(weights: Float64Array, minD: Float64Array): number {
  let s = 0;
  for (let i = 0; i < minD.length; i++) s += weights[i] * minD[i];
  return s;
}

/**
 * Weighted Lloyd iterations from centres [k, D] until the assignment stops
 * changing or maxIter; a centre without weight keeps its position.
 */
export function weightedLloyd(
  points: Float64Array,
  weights: Float64Array,
  m: number,
  centres: Float64Array,
  k: number,
  maxIter: number,
): Float64Array {
  const d = points.length / m;
  const out = centres.slice();
  const labels = new Int32Array(m).fill(-1);
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = false;
    for (let i = 0; i < m; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let j = 0; j < k; j++) {
        const dist = squaredDistance(points, i, out, j, d);
        if (dist < bestD) {
          bestD = dist;
          best = j;
        }
      }
      if (labels[i] !== best) changed = true;
      labels[i] = best;
    }
    if (!changed) break;
    const sums = new Float64Array(k * d);
    const total = new Float64Array(k);
    for (let i = 0; i < m; i++) {
      const j = labels[i];
      total[j] += weights[i];
      for (let f = 0; f < d; f++) sums[j * d + f] += weights[i] * points[i * d + f];
    }
    for (let j = 0; j < k; j++) {
      if (total[j] <= 0) continue; // no weight: the centre stays where it is
      for (let f = 0; f < d; f++) out[j * d + f] = sums[j * d + f] / total[j];
    }
  }
  return out;
}

/** sum_i w_i min_j ||p_i - c_j||^2: the weighted potential of centres [k, D] over the points. */
export function weightedInertia(points: Float64Array, weights: Float64Array, m: number, centres: Float64Array, k: number): number {
  const d = points.length / m;
  let s = 0;
  for (let i = 0; i < m; i++) {
    let best = Infinity;
    for (let j = 0; j < k; j++) best = Math.min(best, squaredDistance(points, i, centres, j, d));
    s += weights[i] * best;
  }
  return s;
}
