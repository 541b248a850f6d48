/**
 * Linear scoring (bob.learn.em's linear_scoring; Glembek et al. 2009): the first-order
 * approximation of the log-likelihood ratio of test statistics between a MAP-adapted model
 * and its UBM,
 *   score(m, s) = sum_c (m_c - mu_c)^T Sigma_c^-1 (F_c - N_c (mu_c + o_c)),
 * with the UBM's means mu and covariances Sigma, the test statistics' first moments F and
 * responsibilities N, and optional channel offsets o; divided by the test's frame count T
 * with frameLengthNormalization (0 where T is 0). F - N mu is taken from the statistics'
 * moments about their own centres, F_c - N_c mu_c = f_c + N_c (a_c - mu_c), so that nothing
 * cancels for data far from 0. Diagonal and spherical UBMs are bob's case; full and tied ones
 * use the whole precision Sigma_c^-1 (by their Cholesky factors). Float64 throughout.
 */
import { invalidArgument } from '../errors.js';
import { GMMMachine } from '../machines/GMMMachine.js';
import { GMMStats } from '../machines/GMMStats.js';
import { cholesky } from '../math/linalg.js';

export interface LinearScoringOptions {
  /** Offsets o added to the UBM's means per test: [tests, C, D], or [C, D] for every test; default 0. */
  channelOffsets?: ArrayLike<number> | number[][] | number[][][] | null;
  /** Divide each score by the test's frame count T (bob's frame_length_normalization). */
  frameLengthNormalization?: boolean;
}

/**
 * Scores of every model against every test: a Float64Array [models, tests], row-major.
 * models: GMMMachines (their means) or means as [M, C, D] (nested arrays, or flat row-major);
 * ubm: the UBM, or a MAP machine (whose UBM is used, as bob does); testStats: GMMStats, or one.
 */
export function linearScoring(
  models: GMMMachine[] | ArrayLike<number> | number[][] | number[][][],
  ubm: GMMMachine,
  testStats: GMMStats[] | GMMStats,
  options: LinearScoringOptions = {},
): Float64Array {
  if (!(ubm instanceof GMMMachine)) throw invalidArgument('linearScoring: ubm must be a GMMMachine');
  const base = ubm.trainer === 'map' && ubm.ubm !== null ? ubm.ubm : ubm;
  if (!base.isInitialized) throw invalidArgument('linearScoring: the UBM has no means yet');
  const [c, d] = base.shape;
  const tests = testStats instanceof GMMStats ? [testStats] : testStats;
  if (!Array.isArray(tests) || !tests.every((s) => s instanceof GMMStats)) throw invalidArgument('linearScoring: testStats must be GMMStats or an array of them');
  tests.forEach((s, i) => {
    if (s.nGaussians !== c || s.nFeatures !== d) throw invalidArgument(`linearScoring: test ${i}'s statistics are [${s.shape}]; the UBM is [${c}, ${d}]`);
  });
  const means = modelMeans(models, c, d);
  const offsets = channelOffsets(options.channelOffsets ?? null, tests.length, c, d);
  const directions = means.map((m) => precisionTimes(base, m));
  const out = new Float64Array(means.length * tests.length);
  tests.forEach((s, t) => {
    const b = centredFirst(s, base.means, offsets, t);
    const scale = options.frameLengthNormalization ? (Math.abs(s.t) <= Number.EPSILON ? 0 : 1 / s.t) : 1;
    directions.forEach((a, m) => {
      let score = 0;
      for (let e = 0; e < c * d; e++) score += a[e] * b[e];
      out[m * tests.length + t] = score * scale;
    });
  });
  return out;
}

/** Each model's means, [C * D]. */
function modelMeans(models: GMMMachine[] | ArrayLike<number> | number[][] | number[][][], c: number, d: number): Float64Array[] {
  if (Array.isArray(models) && models.length > 0 && models.every((m) => m instanceof GMMMachine)) {
    return (models as GMMMachine[]).map((m, i) => {
      if (!m.isInitialized || m.nGaussians !== c || m.nFeatures !== d) throw invalidArgument(`linearScoring: model ${i} is not a [${c}, ${d}] GMM with means`);
      return m.means;
    });
  }
  const flat = Float64Array.from(Array.isArray(models) ? (models as unknown[]).flat(2) as number[] : Array.from(models as ArrayLike<number>));
  if (flat.length === 0 || flat.length % (c * d) !== 0 || flat.some((v) => !Number.isFinite(v))) {
    throw invalidArgument(`linearScoring: models must be GMMMachines or finite means of shape [models, ${c}, ${d}] (got ${flat.length} values)`);
  }
  return Array.from({ length: flat.length / (c * d) }, (_, m) => flat.subarray(m * c * d, (m + 1) * c * d));
}

/** The offsets of test t are offsets.subarray(t * C * D) (or all zero). */
function channelOffsets(values: LinearScoringOptions['channelOffsets'], tests: number, c: number, d: number): Float64Array | null {
  if (values === null) return null;
  const flat = Float64Array.from(Array.isArray(values) ? (values as unknown[]).flat(2) as number[] : Array.from(values as ArrayLike<number>));
  if (flat.some((v) => !Number.isFinite(v))) throw invalidArgument('linearScoring: channelOffsets must be finite');
  if (flat.length === c * d) return Float64Array.from({ length: tests * c * d }, (_, e) => flat[e % (c * d)]);
  if (flat.length !== tests * c * d) throw invalidArgument(`linearScoring: channelOffsets has ${flat.length} values; expected [${tests}, ${c}, ${d}] or [${c}, ${d}]`);
  return flat;
}

/** F_c - N_c (mu_c + o_c) of test statistics, [C * D], from their moments about their own centres. */
function centredFirst(s: GMMStats, mu: Float64Array, offsets: Float64Array | null, t: number): Float64Array {
  const { centre, first } = s.centredMoments();
  const d = s.nFeatures;
  return Float64Array.from(first, (f, e) => {
    const n = s.n[Math.floor(e / d)];
    const o = offsets === null ? 0 : offsets[t * mu.length + e];
    return f + n * ((centre === null ? 0 : centre[e]) - mu[e] - o);
  });
}

/** Sigma_c^-1 (m_c - mu_c) per Gaussian of the UBM, [C * D]. */
function precisionTimes(ubm: GMMMachine, m: Float64Array): Float64Array {
  const [c, d] = ubm.shape;
  const diff = Float64Array.from(m, (v, e) => v - ubm.means[e]);
  if (ubm.covarianceType === 'diag' || ubm.covarianceType === 'spherical') return diff.map((v, e) => v / ubm.variances[e]);
  const covariances = ubm.covariances;
  const out = new Float64Array(c * d);
  for (let g = 0; g < c; g++) {
    const l = cholesky(covariances, d, ubm.covarianceType === 'tied' ? 0 : g * d * d) as Float64Array; // a machine's covariances are positive definite
    out.set(solveCholesky(l, diff.subarray(g * d, (g + 1) * d), d), g * d);
  }
  return out;
}

/** x with L L^T x = b (forward, then backward substitution). */
function solveCholesky(l: Float64Array, b: Float64Array, d: number): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * d + k] * y[k];
    y[i] = s / l[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * x[k];
    x[i] = s / l[i * d + i];
  }
  return x;
}
