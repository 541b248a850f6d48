/**
 * How the second moments are held: 'diagonal' [K, D] (diag and spherical covariances),
 * 'full' [K, D, D] (one matrix per Gaussian), 'pooled' [D, D] (tied: the sum over Gaussians).
 */
export type SecondOrder = 'diagonal' | 'full' | 'pooled';

/** The number of second-moment values of a layout. */
export function secondLength(order: SecondOrder, k: number, d: number): number {
  return order === 'diagonal' ? k * d : order === 'full' ? k * d * d : d * d;
}

/**
 * An e-step's sufficient statistics as plain float64 arrays: the record the m-steps, the
 * accumulation of device chunks and the sums of shards work on (GMMStats holds one).
 * The moments are about a centre per Gaussian and feature, so that nothing is ever computed
 * as E[x^2] - mu^2 (which loses everything for data far from 0 relative to their spread):
 *   first = sum_i r_ik (x_ij - centre_kj),  second = sum_i r_ik (x_ij - centre_kj)^2
 * ('diagonal'), or the outer products sum_i r_ik (x_i - centre_k)(x_i - centre_k)^T per
 * Gaussian ('full') or summed over the Gaussians ('pooled').
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
  /** The layout of `second` (default 'diagonal'). */
  readonly secondOrder?: SecondOrder;
}

export interface CentredMoments {
  centre: Float64Array | null;
  first: Float64Array;
  second: Float64Array;
}

/**
 * m's moments about another centre (null: 0), as new arrays: with delta = old - new, first + n delta
 * and second + delta first^T + first delta^T + n delta delta^T (its diagonal: second + 2 delta first + n delta^2).
 */
export function momentsAbout(m: Moments, centre: Float64Array | null): CentredMoments {
  const { centre: from, first, second } = m;
  const out = { centre, first: first.slice(), second: second.slice() };
  if (from === centre) return out;
  const d = m.nFeatures;
  const order = m.secondOrder ?? 'diagonal';
  for (let k = 0; k < m.nGaussians; k++) {
    const at = k * d;
    const delta = new Float64Array(d);
    for (let j = 0; j < d; j++) delta[j] = (from === null ? 0 : from[at + j]) - (centre === null ? 0 : centre[at + j]);
    if (delta.every((v) => v === 0)) continue;
    const n = m.n[k];
    if (order === 'diagonal') {
      for (let j = 0; j < d; j++) out.second[at + j] += delta[j] * (2 * first[at + j] + n * delta[j]);
    } else {
      const base = order === 'full' ? k * d * d : 0;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          out.second[base + i * d + j] += delta[i] * first[at + j] + first[at + i] * delta[j] + n * delta[i] * delta[j];
        }
      }
    }
    for (let j = 0; j < d; j++) out.first[at + j] += n * delta[j];
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
  const { nGaussians: k, nFeatures: d, centre, first } = m;
  const second = diagonalSecond(m);
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

/**
 * The diagonal of the second moments, [K, D]: as held ('diagonal'), each matrix's ('full'),
 * or for 'pooled' moments the pooled diagonal shared out by responsibility (their sum over
 * Gaussians is exact, which is all featureVariances needs).
 */
export function diagonalSecond(m: Moments): Float64Array {
  const { nGaussians: k, nFeatures: d, second } = m;
  const order = m.secondOrder ?? 'diagonal';
  if (order === 'diagonal') return second;
  const out = new Float64Array(k * d);
  const total = m.n.reduce((s, v) => s + v, 0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < d; j++) {
      out[i * d + j] = order === 'full' ? second[i * d * d + j * d + j] : total > 0 ? (second[j * d + j] * m.n[i]) / total : 0;
    }
  }
  return out;
}

function addInto(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}
