/**
 * bob's stopping rule |previous - current| / previous <= threshold, written
 * without the division so that previous = current = 0 (every sample on a
 * centroid) counts as converged instead of giving NaN.
 */
export function hasConverged(previous: number, current: number, threshold: number): boolean {
  return Math.abs(previous - current) <= threshold * Math.abs(previous);
}
