/** The k-means e-step statistics of all chunks, in float64 on the host. */
export interface KMeansStats {
  /** Members per cluster [K] (their total weight, when weighted). */
  counts: Float64Array;
  /** Per cluster, sum over members of (y - fround(c - shift)) [K, D] row-major. */
  residualSums: Float64Array;
  /** Sum over all samples of the squared distance to the closest centroid (weighted, when weighted). */
  minDistanceSum: number;
  /** The samples' count (their total weight, when weighted). */
  nSamples: number;
}

export function emptyKMeansStats(k: number, d: number): KMeansStats {
  return { counts: new Float64Array(k), residualSums: new Float64Array(k * d), minDistanceSum: 0, nSamples: 0 };
}

/** Adds one chunk's kmeansEStepChunk output (float32, feature-major) to the float64 statistics; `rows`: its rows' count or total weight. */
export function accumulateKMeansChunk(stats: KMeansStats, chunk: ArrayLike<number>, rows: number): void {
  const k = stats.counts.length;
  const d = stats.residualSums.length / k;
  for (let i = 0; i < k; i++) {
    stats.counts[i] += chunk[d * k + i];
    for (let j = 0; j < d; j++) stats.residualSums[i * d + j] += chunk[j * k + i];
  }
  stats.minDistanceSum += chunk[(d + 1) * k];
  stats.nSamples += rows;
}
