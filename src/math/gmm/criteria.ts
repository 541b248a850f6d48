/**
 * scikit-learn's information criteria of a diagonal GMM on n samples of average log-likelihood
 * `average`: free parameters K D (means) + K D (variances) + K - 1 (weights).
 */
export function parameterCount(k: number, d: number): number {
  return 2 * k * d + k - 1;
}

/** -2 n average + p log n (scikit-learn's bic). */
export function bic(average: number, n: number, k: number, d: number): number {
  return -2 * average * n + parameterCount(k, d) * Math.log(n);
}

/** -2 n average + 2 p (scikit-learn's aic). */
export function aic(average: number, n: number, k: number, d: number): number {
  return -2 * average * n + 2 * parameterCount(k, d);
}
