/** bob's start of ML training: k-means, then a Gaussian per cluster. */
import type { DataPasses } from '../../data/passes.js';
import type { GaussianParams } from './params.js';

/** What the start needs of a k-means (KMeansMachine). */
export interface KMeansStarter {
  fitPasses(data: DataPasses, options: { signal?: AbortSignal }): Promise<unknown>;
  variancesAndWeightsOf(data: DataPasses): Promise<{ variances: Float64Array; weights: Float64Array }>;
  readonly centroids: Float64Array;
}

/**
 * Means at the centroids, each cluster's variances (0 for a cluster of one sample: the
 * caller's floor raises them) and its share of the samples as weights (0 for an empty one).
 */
export async function kmeansStart(data: DataPasses, kmeans: KMeansStarter, signal?: AbortSignal): Promise<GaussianParams> {
  await kmeans.fitPasses(data, { signal });
  const { variances, weights } = await kmeans.variancesAndWeightsOf(data);
  return { weights, means: kmeans.centroids, variances };
}
