/** Plain records that the HDF5 layer reads and writes; the machines convert to and from them. */
import type { CovarianceType } from '../math/gmm/covariances/form.js';

/** Variance floor as bob stores it: a scalar, one value per feature [D], or one per Gaussian and feature [K, D]. */
export interface ThresholdsRecord {
  data: Float64Array;
  shape: [] | [number] | [number, number];
}

export interface GMMRecord {
  nGaussians: number;
  nFeatures: number;
  trainer: 'ml' | 'map';
  /** null: no convergence test (train for maxFittingSteps). */
  convergenceThreshold: number | null;
  /** null: no step limit (train until convergence). */
  maxFittingSteps: number | null;
  /** [K] */
  weights: Float64Array;
  updateMeans: boolean;
  updateVariances: boolean;
  updateWeights: boolean;
  /** row-major [K, D] */
  means: Float64Array;
  /** row-major [K, D]: the covariances of diag, their diagonals otherwise */
  variances: Float64Array;
  varianceThresholds: ThresholdsRecord;
  /** Absent: 'diag' (bob's layout exactly). */
  covarianceType?: CovarianceType;
  /** The other types' covariances: spherical [K], full [K, D, D], tied [D, D]. */
  covariances?: Float64Array;
}

export interface StatsRecord {
  nGaussians: number;
  nFeatures: number;
  logLikelihood: number;
  t: number;
  /** [K] */
  n: Float64Array;
  /** row-major [K, D] */
  sumPx: Float64Array;
  /** row-major [K, D] (diag, spherical), [K, D, D] (full) or [D, D] (tied) */
  sumPxx: Float64Array;
  /** The covariance type of the model; absent: 'diag' (bob's files). */
  covarianceType?: CovarianceType;
  /** The parameterHash of the model the statistics were accumulated under (tfjs-em's attribute; absent in bob's files). */
  model?: string;
}

export interface KMeansRecord {
  nClusters: number;
  nFeatures: number;
  /** row-major [K, D] */
  centroids: Float64Array;
  initMethod: string;
  convergenceThreshold: number;
  maxIter: number;
  randomState: number;
  initMaxIter: number;
  oversamplingFactor: number;
}

export interface IVectorRecord {
  ubm: GMMRecord;
  dimT: number;
  /** row-major [C, D, R] (bob's (c, d, t)); the file stores it as [C * D, R], the same values */
  t: Float64Array;
  /** row-major [C, D] */
  sigma: Float64Array;
  varianceFloor: number;
  updateSigma: boolean;
  maxIterations: number;
  randomState: number;
}

/** An ISVMachine (v null, rV 0) or a JFAMachine. */
export interface FactorAnalysisRecord {
  kind: 'ISVMachine' | 'JFAMachine';
  ubm: GMMRecord;
  rU: number;
  /** row-major [C * D, rU] */
  u: Float64Array;
  rV: number;
  /** row-major [C * D, rV]; null for ISV */
  v: Float64Array | null;
  /** D's diagonal, [C * D] */
  d: Float64Array;
  relevanceFactor: number;
  emIterations: number;
  enrollIterations: number;
  randomState: number;
}
