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

/** k-means++ seeding of k of the m points, each draw proportional to weight x D^2. */
export function weightedKMeansPlusPlus(
  points: Float64Array,
  weights: Float64Array,
  m: number,
  k: number,
  rng: Random,
): Float64Array {
  const d = points.length / m;
  const centres = new Float64Array(k * d);
  const taken = new Set<number>();
  const minD = new Float64Array(m).fill(Infinity);
  const score = new Float64Array(m);
  let pick = drawIndex(rng, weights, taken);
  for (let c = 0; ; c++) {
    taken.add(pick);
    centres.set(points.subarray(pick * d, (pick + 1) * d), c * d);
    if (c === k - 1) return centres;
    for (let i = 0; i < m; i++) {
      minD[i] = taken.has(i) ? 0 : Math.min(minD[i], squaredDistance(points, i, points, pick, d));
      score[i] = weights[i] * minD[i];
    }
    pick = drawIndex(rng, score, taken);
  }
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
