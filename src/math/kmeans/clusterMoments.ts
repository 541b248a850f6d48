/**
 * Per-cluster variances and weights from the two passes (see
 * clusterMomentsChunk): counts n_k from the first pass, and sum z, sum z^2 of
 * z = x - m_k (m_k the cluster's mean from the first pass, rounded to float32
 * on the device). var = E[z^2] - E[z]^2 is computed in float64; E[z] is only
 * the rounding error of m_k, so nothing large cancels. weight = n_k / N.
 * A cluster without members gets weight 0 and variance 0 (bob gives 0/0 = NaN):
 * a GMM started from it then floors the variance at its threshold.
 */
export function clusterVariancesAndWeights(
  counts: Float64Array,
  moments: Float64Array,
  nSamples: number,
): { variances: Float64Array; weights: Float64Array } {
  const k = counts.length;
  const d = moments.length / (2 * k);
  const variances = new Float64Array(k * d);
  const weights = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const n = counts[i];
    weights[i] = n / nSamples;
    if (n <= 0) continue;
    for (let j = 0; j < d; j++) {
      const mean = moments[j * k + i] / n;
      const meanSquare = moments[(d + j) * k + i] / n;
      variances[i * d + j] = Math.max(0, meanSquare - mean * mean);
    }
  }
  return { variances, weights };
}

/** Adds one chunk's clusterMomentsChunk output into float64 sums (same layout). */
export function accumulateMoments(sums: Float64Array, chunk: ArrayLike<number>): void {
  for (let i = 0; i < sums.length; i++) sums[i] += chunk[i];
}
