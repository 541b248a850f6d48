/**
 * An e-step's sufficient statistics as plain float64 arrays: the record the m-steps, the
 * accumulation of device chunks and the sums of shards work on (GMMStats holds one).
 * The moments are about a centre per Gaussian and feature, so that nothing is ever computed
 * as E[x^2] - mu^2 (which loses everything for data far from 0 relative to their spread):
 *   first = sum_i r_ik (x_ij - centre_kj),  second = sum_i r_ik (x_ij - centre_kj)^2.
 */
export interface Moments {
  readonly nGaussians: number;
  readonly nFeatures: number;
  /** Number of samples. */
  t: number;
  /** Sum of the samples' log-likelihoods. */
  logLikelihood: number;
  /** Sum of responsibilities per Gaussian, [K]. */
  n: Float64Array;
  /** The centres the moments are about, [K, D] row-major; null: about 0 (bob's sumPx and sumPxx). */
  centre: Float64Array | null;
  first: Float64Array;
  second: Float64Array;
}

export interface CentredMoments {
  centre: Float64Array | null;
  first: Float64Array;
  second: Float64Array;
}

/** m's moments about another centre (null: 0), as new arrays: with delta = old - new, first + n delta and second + 2 delta first + n delta^2. */
export function momentsAbout(m: Moments, centre: Float64Array | null): CentredMoments {
  const { centre: from, first, second } = m;
  const out = { centre, first: first.slice(), second: second.slice() };
  if (from === centre) return out;
  const d = m.nFeatures;
  for (let e = 0; e < first.length; e++) {
    const delta = (from === null ? 0 : from[e]) - (centre === null ? 0 : centre[e]);
    if (delta === 0) continue;
    const n = m.n[Math.floor(e / d)];
    out.second[e] += delta * (2 * first[e] + n * delta);
    out.first[e] += n * delta;
  }
  return out;
}

/** Re-expresses m's moments about another centre, in place. */
export function recentre(m: Moments, centre: Float64Array | null): void {
  if (m.centre === centre) return;
  Object.assign(m, momentsAbout(m, centre));
}

/** Adds other into m (about m's centres, or other's while m holds nothing). */
export function addMoments(m: Moments, other: Moments): void {
  const centre = m.t === 0 && m.centre === null ? other.centre : m.centre;
  recentre(m, centre);
  const theirs = momentsAbout(other, centre);
  m.logLikelihood += other.logLikelihood;
  m.t += other.t;
  addInto(m.n, other.n);
  addInto(m.first, theirs.first);
  addInto(m.second, theirs.second);
}

/**
 * Adds one chunk's e-step output (float32 moments about each Gaussian's centre nu as the
 * device holds it, [D, K]; see kernels/kernelNames.ts) to m, held about the same points in
 * data space, centres = shift + nu ([K, D]). `rows`: the chunk's count of samples, or their
 * total weight.
 */
export function accumulateChunk(m: Moments, chunk: Float32Array, centres: Float64Array, rows: number): void {
  const { nGaussians: k, nFeatures: d } = m;
  recentre(m, centres);
  const { first, second, n } = m;
  const nOffset = 2 * d * k;
  for (let i = 0; i < k; i++) {
    n[i] += chunk[nOffset + i];
    for (let j = 0; j < d; j++) {
      first[i * d + j] += chunk[j * k + i];
      second[i * d + j] += chunk[(d + j) * k + i];
    }
  }
  m.logLikelihood += chunk[nOffset + k];
  m.t += rows;
}

/**
 * The variance of each feature over the samples the statistics hold (all Gaussians together),
 * [D], from the moments about each Gaussian's centre: no E[x^2] - E[x]^2 about 0.
 */
export function featureVariances(m: Moments): Float64Array {
  const { nGaussians: k, nFeatures: d, centre, first, second } = m;
  const at = (e: number) => (centre === null ? 0 : centre[e]);
  const mean = new Float64Array(d);
  for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) mean[j] += m.n[i] * at(i * d + j) + first[i * d + j];
  const total = m.n.reduce((s, v) => s + v, 0);
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) mean[j] /= total;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < d; j++) {
      const e = i * d + j;
      const delta = at(e) - mean[j];
      out[j] += second[e] + delta * (2 * first[e] + m.n[i] * delta);
    }
  }
  return out.map((v) => Math.max(0, v / total));
}

function addInto(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}
