import type { HostCentroids } from './deviceCentroids.js';
import type { KMeansStats } from './accumulate.js';

/**
 * The members' mean of each cluster in float64: shift + fround(c - shift) +
 * (sum of residuals) / count, i.e. sum / count with the sum rebuilt exactly
 * from what the device saw. A cluster without members keeps its previous
 * centroid (bob divides by the count; keeping the centroid avoids 0/0 and lets
 * the cluster pick up members in a later step).
 */
export function clusterMeans(previous: Float64Array, c: HostCentroids, stats: KMeansStats): Float64Array {
  const { nClusters: k, nFeatures: d, shift, hostCentred } = c;
  const means = previous.slice();
  for (let i = 0; i < k; i++) {
    const n = stats.counts[i];
    if (n <= 0) continue; // empty cluster: keeps its previous centroid
    for (let j = 0; j < d; j++) {
      const e = i * d + j;
      means[e] = shift[j] + hostCentred[e] + stats.residualSums[e] / n;
    }
  }
  return means;
}

/** The k-means m-step: new centroids and the average min distance of the e-step that produced stats. */
export function kmeansMStep(
  previous: Float64Array,
  c: HostCentroids,
  stats: KMeansStats,
): { centroids: Float64Array; averageMinDistance: number } {
  return { centroids: clusterMeans(previous, c, stats), averageMinDistance: stats.minDistanceSum / stats.nSamples };
}
