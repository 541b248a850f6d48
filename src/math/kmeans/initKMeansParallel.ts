import type { DataPasses } from '../../data/passes.js';
import type { Random } from '../random.js';
import { weightedInertia, weightedKMeansPlusPlus, weightedLloyd } from './hostKMeans.js';
import { drawIndex } from './drawIndex.js';

/** Weighted Lloyd iterations on the candidates (on the host) after their seeding: until no candidate changes cluster. */
const CANDIDATE_LLOYD_ITERATIONS = 300;
/** Reductions of the candidates (seeding and Lloyd) from different draws; the lowest weighted potential is kept. */
const REDUCTIONS = 5;

/**
 * 'k-means||' (Bahmani et al., 2012). A uniformly drawn first candidate, then
 * `rounds` rounds that each keep every sample independently with probability
 * min(1, l d^2 / phi) (d^2: distance to the closest candidate so far, phi: their
 * sum, l = oversamplingFactor * k; with sample weights, the first draw and every d^2 are
 * weighted). The candidates are weighted by how many
 * samples are closest to them and reduced to k by greedy weighted k-means++
 * (2 + ln k trials per centre) and weighted Lloyd to convergence, on the host. With k candidates or fewer,
 * distinct random samples make up the rest. Returns [k, D].
 */
export async function initKMeansParallel(
  x: DataPasses,
  k: number,
  rng: Random,
  rounds: number,
  oversamplingFactor: number,
): Promise<Float64Array> {
  const n = x.nSamples;
  const d = x.nFeatures;
  const l = oversamplingFactor * k;
  const weights = await x.weights();
  const weight = (i: number) => (weights === null ? 1 : weights[i]);
  const first = weights === null ? rng.integer(n) : drawIndex(rng, weights, new Set());
  const candidates = [first];
  const taken = new Set(candidates);
  const parts = [await x.rows([first])];
  const minD = await x.minDistances(parts[0], 1);
  minD[first] = 0;
  for (let round = 0; round < rounds; round++) {
    let phi = 0;
    for (let i = 0; i < n; i++) phi += weight(i) * minD[i];
    if (!(phi > 0)) break; // every sample already sits on a candidate
    const picked: number[] = [];
    for (let i = 0; i < n; i++) {
      if (rng.random() < Math.min(1, (l * weight(i) * minD[i]) / phi) && !taken.has(i)) picked.push(i);
    }
    if (picked.length === 0) continue;
    const points = await x.rows(picked);
    const dist = await x.minDistances(points, picked.length);
    for (let i = 0; i < n; i++) minD[i] = Math.min(minD[i], dist[i]);
    for (const p of picked) {
      minD[p] = 0;
      taken.add(p);
      candidates.push(p);
    }
    parts.push(points);
  }
  const m = candidates.length;
  const points = new Float64Array(m * d);
  let offset = 0;
  for (const part of parts) {
    points.set(part, offset);
    offset += part.length;
  }
  if (m === k) return points;
  if (m < k) {
    // distinct random samples (of non-zero weight): at least k of them exist, m of them taken
    const live = weights === null ? null : Array.from(weights.keys()).filter((i) => weights[i] > 0);
    const drawn = live === null ? rng.sampleWithoutReplacement(n, k) : rng.sampleWithoutReplacement(live.length, k).map((i) => live[i]);
    const extra = drawn.filter((i) => !taken.has(i)).slice(0, k - m);
    const out = new Float64Array(k * d);
    out.set(points);
    out.set(await x.rows(extra), m * d);
    return out;
  }
  const { counts } = await x.kmeansStats(points, m);
  let best: { centres: Float64Array; inertia: number } = { centres: new Float64Array(0), inertia: Infinity };
  for (let r = 0; r < REDUCTIONS; r++) {
    const seeds = weightedKMeansPlusPlus(points, counts, m, k, rng, 2 + Math.floor(Math.log(k)));
    const centres = weightedLloyd(points, counts, m, seeds, k, CANDIDATE_LLOYD_ITERATIONS);
    const inertia = weightedInertia(points, counts, m, centres, k);
    if (inertia < best.inertia) best = { centres, inertia };
  }
  return best.centres;
}
