/** Checks a record before it is written, so that no invalid file is ever produced (INVALID_ARGUMENT). */
import { invalidArgument } from '../errors.js';
import { isTypedArray } from './util.js';
import type { GMMRecord, KMeansRecord, StatsRecord, ThresholdsRecord } from './records.js';
import { COVARIANCE_TYPES, type CovarianceType } from '../math/gmm/covariances/form.js';

/** The number of values of a covariance type's covariances and of its statistics' second moments. */
export function covarianceLength(type: CovarianceType, k: number, d: number): number {
  return type === 'diag' ? k * d : type === 'spherical' ? k : type === 'full' ? k * d * d : d * d;
}

/** The shape of second moments (sumPxx) of statistics of a covariance type. */
export function secondShape(type: CovarianceType | undefined, k: number, d: number): number[] {
  return type === 'full' ? [k, d, d] : type === 'tied' ? [d, d] : [k, d];
}

function covarianceType(value: unknown): CovarianceType {
  if (value === undefined) return 'diag';
  if (!COVARIANCE_TYPES.includes(value as CovarianceType)) {
    throw invalidArgument(`covarianceType must be one of ${COVARIANCE_TYPES.join(', ')}, got ${value}`);
  }
  return value as CovarianceType;
}

function count(name: string, value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw invalidArgument(`${name} must be a positive integer, got ${value}`);
  return value as number;
}

function integer(name: string, value: unknown, min = -Infinity): void {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw invalidArgument(`${name} must be an integer${min > -Infinity ? ` >= ${min}` : ''}, got ${value}`);
  }
}

function finite(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidArgument(`${name} must be a finite number, got ${value}`);
}

function boolean(name: string, value: unknown): void {
  if (typeof value !== 'boolean') throw invalidArgument(`${name} must be a boolean, got ${value}`);
}

function values(name: string, data: unknown, length: number): void {
  if (!isTypedArray(data, 'Float64Array')) throw invalidArgument(`${name} must be a Float64Array`);
  const array = data as Float64Array;
  if (array.length !== length) throw invalidArgument(`${name} has ${array.length} values, expected ${length}`);
  if (!array.every(Number.isFinite)) throw invalidArgument(`${name} holds non-finite values`);
}

function thresholds(t: ThresholdsRecord, k: number, d: number): void {
  const shape = t?.shape;
  const allowed = [[], [d], [k, d]].some((s) => Array.isArray(shape) && s.length === shape.length && s.every((n, i) => n === shape[i]));
  if (!allowed) throw invalidArgument(`varianceThresholds must have shape [], [${d}] or [${k}, ${d}], got [${shape}]`);
  values('varianceThresholds.data', t.data, shape.reduce((a: number, b: number) => a * b, 1));
}

function record(value: unknown): void {
  if (typeof value !== 'object' || value === null) throw invalidArgument('the record must be an object');
}

export function checkGMM(r: GMMRecord): void {
  record(r);
  const k = count('nGaussians', r.nGaussians);
  const d = count('nFeatures', r.nFeatures);
  if (r.trainer !== 'ml' && r.trainer !== 'map') throw invalidArgument(`trainer must be 'ml' or 'map', got ${r.trainer}`);
  if (r.convergenceThreshold !== null) finite('convergenceThreshold', r.convergenceThreshold);
  if (r.maxFittingSteps !== null) integer('maxFittingSteps', r.maxFittingSteps, 0);
  values('weights', r.weights, k);
  boolean('updateMeans', r.updateMeans);
  boolean('updateVariances', r.updateVariances);
  boolean('updateWeights', r.updateWeights);
  values('means', r.means, k * d);
  values('variances', r.variances, k * d);
  thresholds(r.varianceThresholds, k, d);
  const type = covarianceType(r.covarianceType);
  if (type === 'diag' && r.covariances !== undefined) throw invalidArgument('a diag record holds its covariances as variances: covariances must be absent');
  if (type !== 'diag') values('covariances', r.covariances, covarianceLength(type, k, d));
}

export function checkStats(r: StatsRecord): void {
  record(r);
  const k = count('nGaussians', r.nGaussians);
  const d = count('nFeatures', r.nFeatures);
  finite('logLikelihood', r.logLikelihood);
  finite('t', r.t);
  if (r.t < 0) throw invalidArgument(`t must be >= 0, got ${r.t}`);
  values('n', r.n, k);
  values('sumPx', r.sumPx, k * d);
  values('sumPxx', r.sumPxx, secondShape(covarianceType(r.covarianceType), k, d).reduce((a, b) => a * b, 1));
  if (r.model !== undefined && !/^[0-9a-f]{16}$/.test(r.model)) throw invalidArgument(`model must be a parameter hash (16 hex digits), got ${r.model}`);
  const problem = inconsistency(r);
  if (problem !== null) throw invalidArgument(`${problem}: not the statistics of samples under one model`);
}

/**
 * Round-off allowed below the square of the first moment: statistics summed on a float32 device
 * carry ~1e-7 relative error per sum, and a Gaussian holding one sample (or copies of one) has
 * n sumPxx = sumPx^2 exactly, so rounding alone can put it a little below.
 */
const SECOND_MOMENT_ROUNDING = 1e-5;

/**
 * What makes statistics impossible, or null: responsibilities below 0 or not summing to T
 * (each sample's sum to 1; 1e-4 relative allows float32 sums), second moments below 0 or
 * below the square of the first (n sumPxx >= sumPx^2 for each Gaussian and feature, on the
 * diagonals of full ones; pooled: the diagonal at least sum_k sumPx_k^2 / n_k), beyond rounding.
 */
export function inconsistency(r: StatsRecord): string | null {
  const d = r.nFeatures;
  const k = r.nGaussians;
  const negative = r.n.findIndex((v) => v < 0);
  if (negative >= 0) return `n[${negative}] is ${r.n[negative]}, a negative responsibility`;
  const total = r.n.reduce((s, v) => s + v, 0);
  if (!(Math.abs(total - r.t) <= 1e-4 * Math.max(r.t, 1))) return `the responsibilities n sum to ${total}, not to T = ${r.t}`;
  if (r.covarianceType === 'tied') {
    for (let j = 0; j < d; j++) {
      let least = 0;
      for (let i = 0; i < k; i++) if (r.n[i] > 0) least += r.sumPx[i * d + j] ** 2 / r.n[i];
      const second = r.sumPxx[j * d + j];
      if (second < 0 || second < least * (1 - SECOND_MOMENT_ROUNDING)) return `sumPxx[${j}][${j}] is ${second}, below what sumPx and n allow (${least})`;
    }
    return null;
  }
  const full = r.covarianceType === 'full';
  for (let e = 0; e < k * d; e++) {
    const [i, j] = [Math.floor(e / d), e % d];
    const n = r.n[i];
    const [first, second] = [r.sumPx[e], r.sumPxx[full ? i * d * d + j * d + j : e]];
    if (second < 0 || n * second < first * first * (1 - SECOND_MOMENT_ROUNDING)) {
      return `sumPxx[${i}][${j}]${full ? `[${j}]` : ''} is ${second}, below what sumPx and n allow (${(first * first) / n})`;
    }
  }
  return null;
}

export function checkKMeans(r: KMeansRecord): void {
  record(r);
  const k = count('nClusters', r.nClusters);
  const d = count('nFeatures', r.nFeatures);
  values('centroids', r.centroids, k * d);
  if (typeof r.initMethod !== 'string' || r.initMethod.length === 0) throw invalidArgument('initMethod must be a non-empty string');
  finite('convergenceThreshold', r.convergenceThreshold);
  integer('maxIter', r.maxIter, 0);
  integer('randomState', r.randomState);
  integer('initMaxIter', r.initMaxIter, 0);
  finite('oversamplingFactor', r.oversamplingFactor);
}
