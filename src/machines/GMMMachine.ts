import * as tf from '@tensorflow/tfjs-core';
import { TfjsEmError, invalidArgument, shapeMismatch } from '../errors.js';
import { DataInput, HostArray2D, Matrix, asMatrix, checkedWeights, expectFeatures, toMatrix, weightOf, withSampleWeight } from '../data/matrix.js';
import { streamChunks } from '../data/streamChunks.js';
import { abortable } from '../data/abortable.js';
import { type DataPasses, MatrixPasses } from '../data/passes.js';
import { chunkRows } from '../backend/limits.js';
import { ensureBackend } from '../backend/select.js';
import { freeHostMemory } from '../backend/runtime.js';
import type { BackendName } from '../backend/names.js';
import { GaussianParams, gNorms } from '../math/gmm/params.js';
import { parameterHash } from '../math/gmm/parameterHash.js';
import { DeviceModel } from '../math/gmm/deviceModel.js';
import type { GaussianDevice } from '../math/gmm/device.js';
import { EStepMode, logWeightedLikelihoodChunk, responsibilitiesChunk } from '../math/gmm/eStepKernels.js';
import { type CovarianceForm, type CovarianceType, covarianceForm } from '../math/gmm/covariances/index.js';
import { logDeterminants } from '../math/gmm/whitening.js';
import { symmetrize } from '../math/linalg.js';
import { LOG_2PI } from '../math/constants.js';
import { sampleMixture } from '../math/gmm/sample.js';
import { aic, bic } from '../math/gmm/criteria.js';
import { Random } from '../math/random.js';
import { varianceAtFloor } from './fitWarnings.js';
import { gaussiansSubset, restoreNarrow, unresolvedSpread } from '../math/gmm/narrow.js';
import type { MStep } from '../math/gmm/mStep.js';
import { type EMStep, runEM } from '../math/gmm/em.js';
import { kmeansStart } from '../math/gmm/start.js';
import { GMMStats, allClose } from './GMMStats.js';
import { KMeansMachine } from './KMeansMachine.js';
import { VarianceThresholds, VarianceThresholdsInput, expandThresholds, toThresholds } from './thresholds.js';
import { GMMRecord } from '../io/records.js';
import { type TfjsEmWarning, emitWarning } from '../warnings.js';
import { FIT_OPTIONS, GMM_OPTIONS, KMEANS_FIT_OPTIONS, MAX_GAUSSIANS, SAMPLE_OPTIONS, WEIGHT_OPTIONS } from '../options/gmmOptions.js';
import { blend, stepSize } from '../math/gmm/stepwise.js';
import { checkOption, resolveOptions, shown } from '../options/table.js';
import { Source } from '../io/h5file.js';
import { gmmToBytes, readGMMFile, writeGMMFile } from '../io/gmm.js';

export interface GMMMachineOptions {
  /** 'ml': maximum likelihood (k-means start); 'map': adaptation of `ubm`. */
  trainer?: 'ml' | 'map';
  ubm?: GMMMachine | null;
  /** 'diag' (bob's), 'full', 'tied' or 'spherical' (scikit-learn's); default: the UBM's, else 'diag'. */
  covarianceType?: CovarianceType;
  /** Added to the diagonal of full and tied covariances each m-step (scikit-learn's reg_covar). */
  regCovar?: number;
  convergenceThreshold?: number | null;
  maxFittingSteps?: number | null;
  randomState?: number;
  /** k-means starts tried by fit (the best final average log-likelihood is kept). */
  nInit?: number;
  /** partialFit's step size (t + 2)^-stepExponent, in (0.5, 1]. */
  stepExponent?: number;
  weights?: ArrayLike<number>;
  kMeansTrainer?: KMeansMachine | null;
  updateMeans?: boolean;
  updateVariances?: boolean;
  updateWeights?: boolean;
  meanVarUpdateThreshold?: number;
  mapAlpha?: number;
  /** Reynolds' relevance factor; null: the fixed mapAlpha. */
  mapRelevanceFactor?: number | null;
  /** MAP variance update: 'reynolds' (eq. 13, default) or bob.learn.em's 'bob'. */
  mapVarianceUpdate?: 'reynolds' | 'bob';
  /** Rows per device chunk (bounded by the device; see backend/limits). */
  chunkSize?: number;
  /** The backend work starts on; default: the one set, else TFJS_EM_BACKEND, else 'auto'. */
  backend?: BackendName;
  /**
   * The e-step's implementation: 'auto' (fused kernels where they are faster: the host
   * kernel on cpu and wasm), 'fused' (a fused kernel or an error) or 'plain' (TF.js ops).
   */
  eStep?: EStepMode;
}

/** A data set for EM: the passes of the k-means start, and the e-step. */
export interface GMMData extends DataPasses {
  /** The statistics of every sample under the machine's current parameters. */
  gmmStats(machine: GMMMachine): Promise<GMMStats>;
}

/** One EM step as fit reports it to onStep; `start`: which of nInit starts (when nInit > 1). */
export type FitStep = EMStep & { start?: number };

/** What a fit leaves in a machine: its parameters and how its EM ended. */
interface MachineState {
  params: GaussianParams;
  nIter: number;
  converged: boolean;
  lowerBound: number | null;
}

export interface FitOptions {
  /** Called after each EM step. */
  onStep?: (step: FitStep) => void;
  /** Stops the fit at the next chunk of data (k-means included); the machine keeps its last complete step. */
  signal?: AbortSignal;
  /** Receives the fit's warnings (default: process.emitWarning in Node, console.warn in browsers). */
  onWarning?: (warning: TfjsEmWarning) => void;
  /** Each sample's weight (finite, >= 0, not all 0): it counts that many times, in k-means and the start too. */
  sampleWeight?: ArrayLike<number>;
}

/** What accStats and score take beside the data. */
export interface WeightOptions {
  /** Each sample's weight: it counts that many times (score: the weighted mean). */
  sampleWeight?: ArrayLike<number>;
}

/** The options as resolveOptions gives them: every one set, to its default where not given. */
type ResolvedOptions = Required<Omit<GMMMachineOptions, 'weights' | 'chunkSize' | 'backend' | 'ubm' | 'kMeansTrainer' | 'covarianceType'>> &
  Pick<GMMMachineOptions, 'weights' | 'chunkSize' | 'backend' | 'covarianceType'> & { ubm: GMMMachine | null; kMeansTrainer: KMeansMachine | null };

/** The options that stay settable fields of the machine, checked again when a fit starts. */
const SETTINGS = [
  'convergenceThreshold', 'maxFittingSteps', 'randomState', 'nInit', 'stepExponent', 'kMeansTrainer', 'updateMeans', 'updateVariances', 'updateWeights',
  'meanVarUpdateThreshold', 'mapAlpha', 'mapRelevanceFactor', 'mapVarianceUpdate', 'regCovar', 'chunkSize', 'backend', 'eStep',
] as const;

/**
 * A Gaussian mixture with bob.learn.em's semantics: diagonal covariances as bob's, or full,
 * tied or spherical ones as scikit-learn's (covarianceType). Parameters live in float64 on
 * the host; the e-step's coefficients are mirrored in tf.Variables, held until dispose().
 */
export class GMMMachine {
  readonly nGaussians: number;
  readonly trainer: 'ml' | 'map';
  readonly ubm: GMMMachine | null;
  readonly covarianceType: CovarianceType;
  regCovar: number;
  convergenceThreshold: number | null;
  maxFittingSteps: number | null;
  randomState: number;
  nInit: number;
  stepExponent: number;
  kMeansTrainer: KMeansMachine | null;
  updateMeans: boolean;
  updateVariances: boolean;
  updateWeights: boolean;
  meanVarUpdateThreshold: number;
  mapAlpha: number;
  mapRelevanceFactor: number | null;
  mapVarianceUpdate: 'reynolds' | 'bob';
  chunkSize: number | undefined;
  backend: BackendName | undefined;
  eStep: EStepMode;
  /** Steps run by the last fit, and whether it met the convergence threshold. */
  nIter = 0;
  converged = false;
  /** The average log-likelihood measured by the last fit's last e-step (scikit-learn's lower_bound_); null before. */
  lowerBound: number | null = null;
  /** partialFit's running statistics (of one average sample); null until its first batch, and after fit. */
  private online: GMMStats | null = null;

  private _weights!: Float64Array;
  private _logWeights!: Float64Array;
  private _means: Float64Array | null = null;
  /** Each Gaussian's variances [K, D] (the covariances' diagonals), and the covariances in their type's layout. */
  private _variances: Float64Array | null = null;
  private _covariances: Float64Array | null = null;
  private _varianceThresholds: VarianceThresholds;
  private _gNorms: Float64Array | null = null;
  /** The covariance type's strategy object. */
  private readonly form: CovarianceForm;
  /** The e-step's Gaussians on the device (tf.Variables), reloaded when the parameters changed. */
  private readonly device: GaussianDevice;
  private deviceStale = true;

  constructor(nGaussians: number, options: GMMMachineOptions = {}) {
    if (!Number.isSafeInteger(nGaussians) || nGaussians < 1 || nGaussians > MAX_GAUSSIANS) {
      throw invalidArgument(`nGaussians must be an integer in [1, ${MAX_GAUSSIANS}]; got ${shown(nGaussians)}`);
    }
    const o = resolveOptions<ResolvedOptions>(GMM_OPTIONS, options, 'GMMMachine');
    if (o.trainer === 'map' && o.ubm === null) throw invalidArgument('A UBM is required for MAP GMM.');
    if (o.ubm !== null && o.ubm.nGaussians !== nGaussians) {
      throw shapeMismatch(
        `The UBM machine is not compatible with this machine: it has ${o.ubm.nGaussians} Gaussians, this one ${nGaussians}.`,
      );
    }
    const covarianceType = o.covarianceType ?? o.ubm?.covarianceType ?? 'diag';
    if (o.ubm !== null && o.ubm.covarianceType !== covarianceType) {
      throw invalidArgument(`The UBM has ${o.ubm.covarianceType} covariances; a machine adapted from it has the same, not ${covarianceType}.`);
    }
    this.nGaussians = nGaussians;
    this.trainer = o.trainer;
    this.ubm = o.ubm;
    this.covarianceType = covarianceType;
    this.form = covarianceForm(covarianceType);
    this.device = this.form.device();
    this.regCovar = o.regCovar;
    this.convergenceThreshold = o.convergenceThreshold;
    this.maxFittingSteps = o.maxFittingSteps;
    this.randomState = o.randomState;
    this.nInit = o.nInit;
    this.stepExponent = o.stepExponent;
    this.kMeansTrainer = o.kMeansTrainer;
    this.updateMeans = o.updateMeans;
    this.updateVariances = o.updateVariances;
    this.updateWeights = o.updateWeights;
    this.meanVarUpdateThreshold = o.meanVarUpdateThreshold;
    this.mapAlpha = o.mapAlpha;
    this.mapRelevanceFactor = o.mapRelevanceFactor;
    this.mapVarianceUpdate = o.mapVarianceUpdate;
    this.chunkSize = o.chunkSize;
    this.backend = o.backend;
    this.eStep = o.eStep;
    this.checkOptions();
    // bob: the variance floor defaults to the mean/variance update threshold.
    this._varianceThresholds = toThresholds(this.meanVarUpdateThreshold);
    if (o.ubm !== null) this.copyFrom(o.ubm);
    else this.setWeights(new Float64Array(nGaussians).fill(1 / nGaussians));
    if (o.weights !== undefined) this.weights = o.weights;
  }

  // ---- parameters (bob's properties) ----

  get weights(): Float64Array {
    return this._weights;
  }

  /** Weights given by a user: finite, positive, summing to 1 (within 1e-6). */
  set weights(weights: ArrayLike<number>) {
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      if (!(weights[i] > 0) || !Number.isFinite(weights[i])) {
        throw invalidArgument(`weights must be finite and > 0; weight ${i} is ${weights[i]}`);
      }
      sum += weights[i];
    }
    if (Math.abs(sum - 1) > 1e-6) throw invalidArgument(`weights must sum to 1; they sum to ${sum}`);
    this.setWeights(weights);
  }

  get logWeights(): Float64Array {
    return this._logWeights;
  }

  /** Row-major [nGaussians, nFeatures]. */
  get means(): Float64Array {
    if (this._means === null) throw new TfjsEmError('NOT_INITIALIZED', 'GMMMachine means were never set.');
    return this._means;
  }

  set means(means: ArrayLike<number> | number[][]) {
    const flat = flatten(means, this.nGaussians, 'means');
    if (this._variances !== null && this._variances.length !== flat.length) {
      throw shapeMismatch(`means of shape [${this.nGaussians}, ${flat.length / this.nGaussians}] do not match the variances' [${this.shape}]`);
    }
    this._means = flat;
    this.deviceStale = true;
  }

  /**
   * Each Gaussian's variances, row-major [nGaussians, nFeatures]: the covariances of diag
   * (clamped to the variance thresholds), the diagonals of the other types' covariances.
   */
  get variances(): Float64Array {
    if (this._variances === null) throw new TfjsEmError('NOT_INITIALIZED', 'GMMMachine variances were never set.');
    return this._variances;
  }

  /** Variances given by a user (diag machines; the others set covariances): finite and > 0; values below the thresholds are raised to them. */
  set variances(variances: ArrayLike<number> | number[][]) {
    if (this.covarianceType !== 'diag') {
      throw invalidArgument(`a ${this.covarianceType} machine's variances follow from its covariances: set covariances instead`);
    }
    const flat = flatten(variances, this.nGaussians, 'variances');
    const bad = flat.findIndex((v) => !(v > 0));
    if (bad >= 0) throw invalidArgument(`variances must be > 0; variance ${bad} (row-major) is ${flat[bad]}`);
    this.setCovariances(flat);
  }

  /**
   * The covariances in their type's layout, row-major: diag [nGaussians, nFeatures] (the
   * variances), spherical [nGaussians], full [nGaussians, nFeatures, nFeatures], tied
   * [nFeatures, nFeatures] (scikit-learn's covariances_).
   */
  get covariances(): Float64Array {
    if (this._covariances === null) throw new TfjsEmError('NOT_INITIALIZED', 'GMMMachine covariances were never set.');
    return this._covariances;
  }

  /**
   * Covariances given by a user, nested arrays or flat row-major values of the type's shape:
   * finite and > 0 (diag, spherical: raised to the variance thresholds), or symmetric and
   * positive definite matrices (full, tied; kept exactly symmetric). A spherical machine takes them once its means are set.
   */
  set covariances(values: ArrayLike<number> | number[][] | number[][][]) {
    const flat = Float64Array.from((Array.isArray(values) ? (values as unknown[]).flat(2) : values) as ArrayLike<number>);
    const d = this.featuresOf(flat);
    this.form.check(flat, this.nGaussians, d, 'covariances');
    this.setCovariances(flat);
  }

  /** Floors of the variances: a scalar, per feature [D] or per Gaussian and feature [K, D]. */
  get varianceThresholds(): VarianceThresholds {
    return this._varianceThresholds;
  }

  set varianceThresholds(value: VarianceThresholdsInput) {
    const thresholds = toThresholds(value);
    if (this._variances !== null) expandThresholds(thresholds, this.nGaussians, this.nFeatures);
    this._varianceThresholds = thresholds;
    if (this._covariances !== null) this.setCovariances(this._covariances);
  }

  /** bob's g_norms: D log(2 pi) + log det of each Gaussian's covariance (sum log var for diagonal ones). */
  get gNorms(): Float64Array {
    if (this._gNorms === null) {
      const whitened = this.covarianceType === 'full' || this.covarianceType === 'tied';
      if (!whitened) this._gNorms = gNorms(this.variances, this.nGaussians);
      else {
        const d = this.nFeatures;
        const logDet = logDeterminants(this.covariances, d, this.covarianceType === 'tied');
        this._gNorms = Float64Array.from({ length: this.nGaussians }, (_, i) => d * LOG_2PI + logDet[logDet.length === 1 ? 0 : i]);
      }
    }
    return this._gNorms;
  }

  get nFeatures(): number {
    return this.means.length / this.nGaussians;
  }

  get shape(): [number, number] {
    return [this.nGaussians, this.nFeatures];
  }

  /** Whether the means are set (fit then skips its initialisation). */
  get isInitialized(): boolean {
    return this._means !== null;
  }

  // ---- training ----

  /** Means, variances, thresholds and weights from the UBM (MAP), or from k-means on X (ML). */
  async initializeGaussians(X?: DataInput | Matrix, signal?: AbortSignal): Promise<void> {
    if (this.trainer === 'map') return this.copyFrom(this.ubm!);
    if (X === undefined) throw invalidArgument('Data is required when training with k-means.');
    await ensureBackend(this.backend);
    await this.initializeFromPasses(new MatrixPasses(abortable(await asMatrix(X), signal), this.chunkSize), signal);
  }

  /**
   * EM until the relative change of the average log-likelihood measured by a
   * step's e-step is at most convergenceThreshold, or maxFittingSteps steps.
   * From a k-means start, nInit starts are tried and the best kept.
   */
  async fit(X: DataInput, options: FitOptions = {}): Promise<this> {
    resolveOptions(FIT_OPTIONS, options, 'fit');
    options.signal?.throwIfAborted();
    this.checkOptions();
    await ensureBackend(this.backend);
    const x = abortable(withSampleWeight(await toMatrix(X), options.sampleWeight), options.signal);
    this.checkMemory(x.nFeatures);
    return this.train(new MatrixPasses(x, this.chunkSize), () => this.expectation(x), options);
  }

  /**
   * fit on a data set of several shards (files, or workers holding them): the
   * k-means start and every e-step run per shard, their statistics summed in
   * float64 in shard order.
   */
  async fitShards(data: GMMData, options: FitOptions = {}): Promise<this> {
    resolveOptions(FIT_OPTIONS, options, 'fitShards');
    options.signal?.throwIfAborted();
    this.checkOptions();
    await ensureBackend(this.backend);
    this.checkMemory(data.nFeatures);
    return this.train(data, () => data.gmmStats(this), options);
  }

  /** initializeGaussians on a data set given by its passes; `seed`: the k-means start's (default randomState). */
  async initializeFromPasses(data: DataPasses, signal?: AbortSignal, seed = this.randomState): Promise<void> {
    if (this.trainer === 'map') return this.copyFrom(this.ubm!);
    const kmeans = this.kMeansTrainer ?? new KMeansMachine(this.nGaussians, { chunkSize: this.chunkSize, backend: this.backend });
    const theirs = kmeans.randomState;
    kmeans.randomState = seed;
    try {
      const start = await kmeansStart(data, kmeans, signal);
      this._variances = null;
      this._covariances = null;
      this.means = start.means;
      this.setCovariances(this.form.fromVariances(start.variances, start.weights, this.nGaussians, this.nFeatures, this.regCovar));
      this.setWeights(start.weights);
    } finally {
      kmeans.randomState = theirs;
      if (kmeans !== this.kMeansTrainer) kmeans.dispose();
    }
  }

  /**
   * The fit: EM from the parameters the machine has, or from nInit k-means starts (seeds
   * randomState, randomState + 1, ...), keeping the start whose last e-step measured the best
   * average log-likelihood. Warns about the model kept.
   */
  private async train(data: DataPasses, expectation: () => Promise<GMMStats>, options: FitOptions): Promise<this> {
    if (this._means !== null || this.trainer === 'map') {
      if (this.nInit > 1 && this.trainer === 'ml') throw invalidArgument(`nInit ${this.nInit} needs the k-means start: this machine already has means`);
      if (this._means === null) this.copyFrom(this.ubm!);
      return this.warnAbout(await this.em(data.nFeatures, expectation, options), options);
    }
    let best: { state: MachineState; last: GMMStats | null; lowerBound: number } | null = null;
    for (let start = 0; start < this.nInit; start++) {
      await this.initializeFromPasses(data, options.signal, this.randomState + start);
      const onStep = this.nInit === 1 || options.onStep === undefined ? options.onStep : (step: FitStep) => options.onStep!({ ...step, start: start + 1 });
      const last = await this.em(data.nFeatures, expectation, { ...options, onStep });
      if (best === null || this.lowerBound! > best.lowerBound) best = { state: this.state(), last, lowerBound: this.lowerBound! };
    }
    this.restore(best!.state);
    return this.warnAbout(best!.last, options);
  }

  /** EM steps from the current parameters (see runEM); returns the last e-step's statistics. */
  private async em(nFeatures: number, expectation: () => Promise<GMMStats>, options: FitOptions): Promise<GMMStats | null> {
    if (this._variances === null) this.setUnitCovariances();
    if (nFeatures !== this.nFeatures) {
      throw shapeMismatch(`data has ${nFeatures} features per sample; the model has ${this.nFeatures}`);
    }
    this.nIter = 0;
    this.converged = false;
    this.lowerBound = null;
    this.online = null;
    const rule = { maxSteps: this.maxFittingSteps, threshold: this.convergenceThreshold };
    const outcome = await runEM(expectation, (stats) => this.mStep(stats), rule, {
      signal: options.signal,
      onStep: (step) => {
        this.nIter = step.step;
        this.lowerBound = step.averageLogLikelihood;
        options.onStep?.(step);
      },
    });
    this.converged = outcome.converged;
    return outcome.last;
  }

  /**
   * Stepwise (online) EM on one batch of a stream (see math/gmm/stepwise.ts): the batch's
   * statistics are blended into running statistics with step size (t + 2)^-stepExponent, and
   * the parameters re-estimated from them. The first batch starts the model by k-means when it
   * has no means. Maximum likelihood only; nIter counts the batches, lowerBound is the last
   * batch's average log-likelihood under the parameters it was measured on. fit starts over.
   */
  async partialFit(batch: DataInput, options: { signal?: AbortSignal; sampleWeight?: ArrayLike<number> } = {}): Promise<this> {
    resolveOptions(KMEANS_FIT_OPTIONS, options, 'partialFit');
    if (this.trainer !== 'ml') throw invalidArgument("partialFit trains by maximum likelihood: give a machine of trainer 'ml'");
    this.checkOptions();
    await ensureBackend(this.backend);
    const x = abortable(withSampleWeight(await toMatrix(batch), options.sampleWeight), options.signal);
    this.checkMemory(x.nFeatures);
    if (this._means === null) await this.initializeFromPasses(new MatrixPasses(x, this.chunkSize), options.signal);
    if (this._variances === null) this.setUnitCovariances();
    expectFeatures(x, this.nFeatures);
    const stats = await this.expectation(x);
    const average = stats.logLikelihood / stats.t;
    if (!Number.isFinite(average)) throw new TfjsEmError('INVALID_DATA', `the batch's log-likelihood is ${average} on this float32 device`);
    stats.model = undefined; // running statistics mix the models of every batch
    const batches = this.online === null ? 0 : this.nIter;
    if (this.online === null) this.online = new GMMStats(this.nGaussians, this.nFeatures, this.covarianceType);
    blend(this.online, stats, stepSize(batches, this.stepExponent));
    this.mStep(this.online);
    this.nIter = batches + 1;
    this.lowerBound = average;
    return this;
  }

  /** Gives the fit's warnings about the model as it ends (see fitWarnings). */
  private warnAbout(last: GMMStats | null, options: FitOptions): this {
    const floors = expandThresholds(this._varianceThresholds, this.nGaussians, this.nFeatures);
    const floored = this.covarianceType === 'diag' || this.covarianceType === 'spherical';
    const warning = last === null || !this.updateVariances || !floored ? null : varianceAtFloor(last, this.variances, floors);
    if (warning !== null) (options.onWarning ?? emitWarning)(warning);
    return this;
  }

  /**
   * One m-step from accumulated statistics (ML or MAP, per the trainer). Full and tied
   * covariances that come out not positive definite are an INVALID_DATA error naming the
   * Gaussian, and the machine keeps its parameters.
   */
  mStep(stats: GMMStats): void {
    if (stats.nGaussians !== this.nGaussians || stats.nFeatures !== this.nFeatures) {
      throw shapeMismatch(`statistics of shape [${stats.shape}] do not fit this machine's [${this.shape}]`);
    }
    if ((stats.secondOrder ?? 'diagonal') !== this.form.secondOrder) {
      throw shapeMismatch(`statistics of ${stats.covarianceType} covariances do not fit this ${this.covarianceType} machine`);
    }
    if (!(stats.t > 0)) throw new TfjsEmError('INVALID_DATA', `statistics of ${stats.t} samples: an m-step needs at least one`);
    const next = this.strategy()(this.params(), stats);
    const covariances = this.form.covariancesOf(next, this.nGaussians, this.nFeatures);
    if (next.covariances !== undefined) logDeterminants(covariances, this.nFeatures, this.covarianceType === 'tied');
    this.setWeights(next.weights);
    this.means = next.means;
    this.setCovariances(covariances);
  }

  /** The m-step of this machine's trainer and settings. */
  private strategy(): MStep {
    const flags = {
      updateMeans: this.updateMeans,
      updateVariances: this.updateVariances,
      updateWeights: this.updateWeights,
      meanVarUpdateThreshold: this.meanVarUpdateThreshold,
    };
    const regCovar = this.regCovar;
    if (this.trainer === 'ml') return this.form.ml({ ...flags, regCovar });
    const map = { ...flags, regCovar, relevanceFactor: this.mapRelevanceFactor, alpha: this.mapAlpha, varianceUpdate: this.mapVarianceUpdate };
    return this.form.map(this.ubm!.params(), map);
  }

  // ---- scoring ----

  /** Log-likelihood of each sample, [nSamples]. */
  async logLikelihood(X: DataInput): Promise<Float64Array> {
    const x = await this.checkedMatrix(X);
    const out = new Float64Array(x.nSamples);
    const device = this.loadedDevice();
    const chunk = device.logLikelihood(this.eStep);
    const { narrow, shift } = device;
    if (narrow.length === 0 || !(device instanceof DeviceModel)) {
      await streamChunks(x, this.rows(), shift, chunk, (v, start) => out.set(v, start));
      return out;
    }
    // Each row's log-likelihood, then its terms under the narrow Gaussians, to restore their normalisation.
    const lost = narrow.map((k) => device.lost[k]);
    const subset = gaussiansSubset(device.gaussians, narrow);
    try {
      const both = (y: tf.Tensor2D) => tf.concat([chunk(y), tf.reshape(logWeightedLikelihoodChunk(y, subset), [-1])]);
      await streamChunks(x, this.rows(), shift, both, (v, start, end) => {
        const n = end - start;
        restoreNarrow(v.subarray(0, n), v.subarray(n), lost, out, start);
      });
    } finally {
      tf.dispose([subset.nu, subset.h, subset.c]);
    }
    return out;
  }

  /** Weighted log-likelihood of each sample under each Gaussian, [nGaussians, nSamples] like bob. */
  async logWeightedLikelihood(X: DataInput): Promise<HostArray2D & { data: Float64Array }> {
    const x = await this.checkedMatrix(X);
    const k = this.nGaussians;
    const n = x.nSamples;
    const out = new Float64Array(k * n);
    const device = this.loadedDevice();
    const { lost } = device;
    const lwl = device.logWeightedLikelihood();
    await streamChunks(x, this.rows(), device.shift, (y) => lwl(y), (v, start, end) => {
      for (let i = start; i < end; i++) for (let c = 0; c < k; c++) out[c * n + i] = v[(i - start) * k + c] + lost[c];
    });
    return { data: out, shape: [k, n] };
  }

  /** scikit-learn's name for logLikelihood: each sample's log-likelihood, [nSamples]. */
  scoreSamples(X: DataInput): Promise<Float64Array> {
    return this.logLikelihood(X);
  }

  /**
   * Each sample's responsibilities, { data: [nSamples, nGaussians] row-major, shape } (scikit-learn's
   * predict_proba): rows sum to 1 (float32 on the device, normalised in float64). A sample with no
   * finite log-likelihood under any Gaussian gets a row of zeros.
   */
  async predictProba(X: DataInput): Promise<{ data: Float64Array; shape: [number, number] }> {
    const x = await this.checkedMatrix(X);
    const k = this.nGaussians;
    const out = new Float64Array(x.nSamples * k);
    const device = this.loadedDevice();
    const lwl = device.logWeightedLikelihood();
    const lost = tf.tensor1d(Float32Array.from(device.lost));
    try {
      await streamChunks(x, this.rows(), device.shift, (y) => responsibilitiesChunk(lwl(y), lost), (v, start, end) => {
        for (let i = 0; i < end - start; i++) {
          let sum = 0;
          for (let c = 0; c < k; c++) sum += v[i * k + c];
          for (let c = 0; c < k; c++) out[(start + i) * k + c] = sum > 0 ? v[i * k + c] / sum : 0;
        }
      });
    } finally {
      lost.dispose();
    }
    return { data: out, shape: [x.nSamples, k] };
  }

  /** The most responsible Gaussian of each sample, [nSamples] (scikit-learn's predict; ties: the lowest index). */
  async predict(X: DataInput): Promise<Int32Array> {
    const { data, shape: [n, k] } = await this.predictProba(X);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      for (let c = 1; c < k; c++) if (data[i * k + c] > data[i * k + labels[i]]) labels[i] = c;
    }
    return labels;
  }

  /** n samples drawn from the mixture (float64, [n, nFeatures]) and the Gaussian of each (scikit-learn's sample). */
  sample(n: number, options: { randomState?: number } = {}): { data: Float64Array; shape: [number, number]; labels: Int32Array } {
    if (!Number.isSafeInteger(n) || n < 1) throw invalidArgument(`sample needs a positive integer number of samples; got ${shown(n)}`);
    const { randomState = this.randomState } = resolveOptions<{ randomState?: number }>(SAMPLE_OPTIONS, options, 'sample');
    const { data, labels } = sampleMixture(this.params(), n, new Random(randomState));
    return { data, shape: [n, this.nFeatures], labels };
  }

  /** Bayesian information criterion on X, as scikit-learn's bic (lower is better). */
  async bic(X: DataInput): Promise<number> {
    const ll = await this.logLikelihood(X);
    return bic(ll.reduce((s, v) => s + v, 0) / ll.length, ll.length, this.nGaussians, this.nFeatures, this.covarianceParameters());
  }

  /** Akaike information criterion on X, as scikit-learn's aic (lower is better). */
  async aic(X: DataInput): Promise<number> {
    const ll = await this.logLikelihood(X);
    return aic(ll.reduce((s, v) => s + v, 0) / ll.length, ll.length, this.nGaussians, this.nFeatures, this.covarianceParameters());
  }

  /** Average log-likelihood per sample (scikit-learn's score); with sample weights, their weighted mean. */
  async score(X: DataInput, options: WeightOptions = {}): Promise<number> {
    resolveOptions(WEIGHT_OPTIONS, options, 'score');
    const ll = await this.logLikelihood(X);
    if (options.sampleWeight === undefined) return ll.reduce((s, v) => s + v, 0) / ll.length;
    const w = checkedWeights(options.sampleWeight, ll.length);
    let [sum, total] = [0, 0];
    for (let i = 0; i < ll.length; i++) if (w[i] > 0) [sum, total] = [sum + w[i] * ll[i], total + w[i]];
    return sum / total;
  }

  /** The e-step statistics of X (each sample counting its weight, when weights are given: t is their total). */
  async accStats(X: DataInput | Matrix, options: WeightOptions = {}): Promise<GMMStats> {
    resolveOptions(WEIGHT_OPTIONS, options, 'accStats');
    return this.expectation(withSampleWeight(await this.checkedMatrix(X), options.sampleWeight));
  }

  /** One GMMStats per item of the list (e.g. per utterance). */
  async statsPerSample(Xs: DataInput[]): Promise<GMMStats[]> {
    const out: GMMStats[] = [];
    for (const X of Xs) out.push(await this.accStats(X));
    return out;
  }

  /** bob's transform: statsPerSample. */
  transform(Xs: DataInput[]): Promise<GMMStats[]> {
    return this.statsPerSample(Xs);
  }

  // ---- files (bob.learn.em's HDF5 layout 1.0; legacy files are read too) ----

  /**
   * A machine from a file path (Node) or the file's bytes. A MAP machine needs
   * its UBM, as in bob; the file's convergence threshold is kept.
   */
  static async fromHDF5(source: Source, ubm?: GMMMachine): Promise<GMMMachine> {
    return GMMMachine.fromRecord(await readGMMFile(source), ubm);
  }

  static fromRecord(record: GMMRecord, ubm?: GMMMachine): GMMMachine {
    if (record.trainer === 'map' && ubm === undefined) throw invalidArgument('The UBM is needed when loading a MAP machine.');
    if (ubm?.isInitialized && ubm.nFeatures !== record.nFeatures) {
      throw shapeMismatch(
        `The UBM machine is not compatible with this machine: it has shape [${ubm.shape}], this one [${record.nGaussians},${record.nFeatures}].`,
      );
    }
    const machine = new GMMMachine(record.nGaussians, {
      trainer: record.trainer,
      ubm,
      covarianceType: record.covarianceType ?? 'diag',
      convergenceThreshold: record.convergenceThreshold,
      maxFittingSteps: record.maxFittingSteps,
      updateMeans: record.updateMeans,
      updateVariances: record.updateVariances,
      updateWeights: record.updateWeights,
    });
    machine._means = null;
    machine._variances = null;
    machine._covariances = null;
    machine.setWeights(recordWeights(record.weights));
    machine.varianceThresholds = record.varianceThresholds;
    machine.means = record.means;
    machine.covariances = record.covariances ?? record.variances;
    return machine;
  }

  /** Replaces this machine's parameters and settings with a file's (bob's load). */
  async load(source: Source): Promise<void> {
    const loaded = await GMMMachine.fromHDF5(source, this.ubm ?? undefined);
    if (loaded.nGaussians !== this.nGaussians) {
      throw shapeMismatch(`the file holds ${loaded.nGaussians} Gaussians; this machine has ${this.nGaussians}`);
    }
    this.convergenceThreshold = loaded.convergenceThreshold;
    this.maxFittingSteps = loaded.maxFittingSteps;
    this.updateMeans = loaded.updateMeans;
    this.updateVariances = loaded.updateVariances;
    this.updateWeights = loaded.updateWeights;
    this.copyFrom(loaded);
  }

  toRecord(): GMMRecord {
    return {
      nGaussians: this.nGaussians,
      nFeatures: this.nFeatures,
      trainer: this.trainer,
      convergenceThreshold: this.convergenceThreshold,
      maxFittingSteps: this.maxFittingSteps,
      weights: this.weights.slice(),
      updateMeans: this.updateMeans,
      updateVariances: this.updateVariances,
      updateWeights: this.updateWeights,
      means: this.means.slice(),
      variances: this.variances.slice(),
      varianceThresholds: toThresholds(this._varianceThresholds),
      ...(this.covarianceType === 'diag' ? {} : { covarianceType: this.covarianceType, covariances: this.covariances.slice() }),
    };
  }

  /** Writes the file atomically: a temporary file renamed into place. */
  async save(path: string): Promise<void> {
    await writeGMMFile(path, this.toRecord());
  }

  /** The HDF5 file as bytes (for browsers). */
  toBytes(): Promise<Uint8Array> {
    return gmmToBytes(this.toRecord());
  }

  // ---- comparison and lifetime ----

  /** bob's ==: every parameter close with numpy's default tolerances. */
  equals(other: GMMMachine): boolean {
    return this.isSimilarTo(other);
  }

  isSimilarTo(other: GMMMachine, rtol = 1e-5, atol = 1e-8): boolean {
    if (!this.isInitialized || !other.isInitialized) return false;
    if (this.nGaussians !== other.nGaussians || this.nFeatures !== other.nFeatures || this.covarianceType !== other.covarianceType) return false;
    const [k, d] = this.shape;
    return (
      allClose(this.means, other.means, rtol, atol) &&
      allClose(this.covariances, other.covariances, rtol, atol) &&
      allClose(expandThresholds(this._varianceThresholds, k, d), expandThresholds(other._varianceThresholds, k, d), rtol, atol) &&
      allClose(this.weights, other.weights, rtol, atol)
    );
  }

  /** Frees the device copies of the parameters; the machine stays usable. */
  dispose(): void {
    this.device.dispose();
    this.deviceStale = true;
  }

  /** The parameters as plain float64 arrays (copies). */
  params(): GaussianParams {
    return this.form.params(this.weights.slice(), this.means.slice(), this.covariances.slice());
  }

  // ---- internals ----

  /** The training settings are public fields: checked at construction and when a fit starts (see GMM_OPTIONS). */
  private checkOptions(): void {
    for (const name of SETTINGS) {
      const value = this[name];
      if (value !== undefined || GMM_OPTIONS[name].default !== undefined) checkOption(GMM_OPTIONS, name, value);
    }
    if (this.convergenceThreshold === null && this.maxFittingSteps === null) {
      throw invalidArgument('Either or both convergenceThreshold and maxFittingSteps must be set.');
    }
  }

  /**
   * Training holds about ten [K, D] float64 arrays at once (parameters, floors, statistics,
   * the m-step's copies): refused before anything is allocated when the host has not the memory.
   */
  private checkMemory(nFeatures: number): void {
    const covariances = this.form.shape(this.nGaussians, nFeatures).reduce((a, b) => a * b, 1);
    const needed = 8 * (10 * this.nGaussians * nFeatures + 6 * covariances);
    const free = freeHostMemory();
    if (free !== null && needed > free) {
      throw invalidArgument(
        `a GMM of ${this.nGaussians} Gaussians in ${nFeatures} features needs about ${(needed / 1e9).toPrecision(3)} GB of memory to train; ` +
          `${(free / 1e9).toPrecision(3)} GB are free`,
      );
    }
  }

  /** Weights as the m-step or k-means give them (a zero weight is allowed there). */
  private setWeights(weights: ArrayLike<number>): void {
    if (weights.length !== this.nGaussians) {
      throw shapeMismatch(`weights must have ${this.nGaussians} values; got ${weights.length}`);
    }
    this._weights = Float64Array.from(weights);
    this._logWeights = this._weights.map(Math.log);
    this.deviceStale = true;
  }

  /**
   * Covariances in the type's layout, raised to the variance thresholds where the type has
   * floors (bob's setter), the variances and g_norms kept in step.
   */
  private setCovariances(values: Float64Array): void {
    const k = this.nGaussians;
    const d = this.featuresOf(values);
    const covariances = this.form.floored(values, expandThresholds(this._varianceThresholds, k, d), k, d);
    if (this.form.secondOrder !== 'diagonal') for (let at = 0; at < covariances.length; at += d * d) symmetrize(covariances, d, at);
    this._covariances = covariances;
    this._variances = this.form.variances(covariances, k, d);
    this._gNorms = null;
    this.deviceStale = true;
  }

  /** Unit covariances (identity matrices) for a fit from means alone. */
  private setUnitCovariances(): void {
    const [k, d] = this.shape;
    this.setCovariances(this.form.fromVariances(new Float64Array(k * d).fill(1), this.weights, k, d, 0));
  }

  /** The number of features covariances of this length hold, checked against the type's shape and the means'. */
  private featuresOf(covariances: Float64Array): number {
    const k = this.nGaussians;
    const n = covariances.length;
    const fromLength = { diag: n / k, spherical: this._means === null ? NaN : this._means.length / k, full: Math.sqrt(n / k), tied: Math.sqrt(n) }[this.covarianceType];
    const d = this._means === null ? fromLength : this._means.length / k;
    const shape = this.form.shape(k, d);
    if (!(Number.isInteger(d) && d >= 1) || shape.reduce((a, b) => a * b, 1) !== n) {
      const type = this.covarianceType;
      if (this._means !== null) throw shapeMismatch(`${type} covariances of ${n} values do not match the means' [${k}, ${d}]: expected shape [${shape}]`);
      const expected = type === 'spherical' ? `[${k}] (set the means first)` : `[${this.form.shape(k, NaN).join(', ').replaceAll('NaN', 'nFeatures')}]`;
      throw shapeMismatch(`${type} covariances must have shape ${expected}; got ${n} values`);
    }
    return d;
  }

  /** scikit-learn's count of the covariances' free parameters (for bic and aic). */
  private covarianceParameters(): number {
    return this.form.parameterCount(this.nGaussians, this.nFeatures);
  }

  private state(): MachineState {
    return { params: this.params(), nIter: this.nIter, converged: this.converged, lowerBound: this.lowerBound };
  }

  private restore(s: MachineState): void {
    this.setWeights(s.params.weights);
    this.means = s.params.means;
    this.setCovariances(this.form.covariancesOf(s.params, this.nGaussians, s.params.means.length / this.nGaussians));
    Object.assign(this, { nIter: s.nIter, converged: s.converged, lowerBound: s.lowerBound });
  }

  private copyFrom(source: GMMMachine): void {
    this._means = null;
    this._variances = null;
    this._covariances = null;
    this._varianceThresholds = toThresholds(source.varianceThresholds);
    this.setWeights(source.weights);
    if (source.isInitialized) {
      this.means = source.means;
      this.setCovariances(source.covariances.slice());
    }
  }

  private async checkedMatrix(X: DataInput | Matrix): Promise<Matrix> {
    await ensureBackend(this.backend);
    const x = await asMatrix(X);
    if (this._variances === null) this.variances; // throws NOT_INITIALIZED
    expectFeatures(x, this.nFeatures);
    return x;
  }

  private rows(): number {
    return chunkRows(this.nGaussians, this.nFeatures, this.chunkSize);
  }

  /** The identifier statistics of this machine's current parameters carry (see GMMStats.model). */
  parameterHash(): string {
    return parameterHash(this.params());
  }

  private async expectation(x: Matrix): Promise<GMMStats> {
    const stats = new GMMStats(this.nGaussians, this.nFeatures, this.covarianceType).initFields({ model: this.parameterHash() });
    const device = this.loadedDevice();
    const chunk = device.eStep(this.eStep);
    const accumulator = device.accumulator(stats);
    await streamChunks(x, this.rows(), device.shift, chunk, (v, start, end) => accumulator.add(v, weightOf(x, start, end)));
    accumulator.finish();
    const unresolved = device instanceof DeviceModel && device.narrow.length > 0 ? unresolvedSpread(stats, this.params(), device) : null;
    if (unresolved !== null) throw unresolved;
    return stats;
  }

  /** The device model, loaded with the current parameters. */
  private loadedDevice(): GaussianDevice {
    if (!this.device.loaded || this.deviceStale) {
      this.device.update(this.params());
      this.deviceStale = false;
    }
    return this.device;
  }
}

/**
 * Weights of a record (a file): finite and >= 0 (bob writes weight 0 for a Gaussian that k-means left
 * empty), summing to 1 within 1e-4 (training sums float32 responsibilities).
 */
function recordWeights(weights: ArrayLike<number>): ArrayLike<number> {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i] >= 0) || !Number.isFinite(weights[i])) throw invalidArgument(`weights must be finite and >= 0; weight ${i} is ${weights[i]}`);
    sum += weights[i];
  }
  if (Math.abs(sum - 1) > 1e-4) throw invalidArgument(`weights must sum to 1; they sum to ${sum}`);
  return weights;
}

/** A [K, D] parameter given as rows or flat row-major values, copied into float64. */
function flatten(values: ArrayLike<number> | number[][], k: number, name: string): Float64Array {
  const flat = Array.isArray(values) && Array.isArray(values[0]) ? Float64Array.from((values as number[][]).flat()) : Float64Array.from(values as ArrayLike<number>);
  if (flat.length === 0 || flat.length % k !== 0) {
    throw shapeMismatch(`${name} must have shape [${k}, nFeatures]; got ${flat.length} values`);
  }
  for (const v of flat) if (!Number.isFinite(v)) throw invalidArgument(`${name} must be finite; got ${v}`);
  return flat;
}
