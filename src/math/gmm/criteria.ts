/**
 * scikit-learn's information criteria of a GMM on n samples of average log-likelihood
 * `average`, with p = K D (means) + `covariances` (the covariance type's free parameters:
 * diag K D, spherical K, full K D (D + 1) / 2, tied D (D + 1) / 2) + K - 1 (weights).
 */
export function parameterCount(k: number, d: number, covariances = k * d): number {
  return k * d + covariances + k - 1;
}

/** -2 n average + p log n (scikit-learn's bic). */
export function bic(average: number, n: number, k: number, d: number, covariances = k * d): number {
  return -2 * average * n + parameterCount(k, d, covariances) * Math.log(n);
}

/** -2 n average + 2 p (scikit-learn's aic). */
export function aic(average: number, n: number, k: number, d: number, covariances = k * d): number {
  return -2 * average * n + 2 * parameterCount(k, d, covariances);
}
