import { DataInput, HostArray2D, Matrix, asMatrix, expectFeatures, withSampleWeight } from '../data/matrix.js';
import { abortable } from '../data/abortable.js';
import { TfjsEmError, invalidArgument, shapeMismatch } from '../errors.js';
import { Random } from '../math/random.js';
import { chunkRows } from '../backend/limits.js';
import { DataPasses, MatrixPasses } from '../data/passes.js';
import { ensureBackend } from '../backend/select.js';
import type { BackendName } from '../backend/names.js';
import { allClose } from './GMMStats.js';
import { clusterMeans, kmeansMStep } from '../math/kmeans/mStep.js';
import { hasConverged } from '../math/kmeans/converged.js';
import { clusterVariancesAndWeights } from '../math/kmeans/clusterMoments.js';
import { distancesPass, labelsPass, withDeviceCentroids } from '../math/kmeans/passes.js';
import { hostCentroids } from '../math/kmeans/deviceCentroids.js';
import { initRandom } from '../math/kmeans/initRandom.js';
import { initKMeansPlusPlus } from '../math/kmeans/initKMeansPlusPlus.js';
import { initKMeansParallel } from '../math/kmeans/initKMeansParallel.js';
import { KMeansRecord } from '../io/records.js';
import { Source } from '../io/h5file.js';
import { kmeansToBytes, readKMeansFile, writeKMeansFile } from '../io/kmeans.js';
import { KMEANS_FIT_OPTIONS, KMEANS_OPTIONS, MAX_GAUSSIANS } from '../options/gmmOptions.js';
import { checkOption, resolveOptions, shown } from '../options/table.js';

export type KMeansInit = 'random' | 'k-means++' | 'k-means||';

export interface KMeansFitOptions {
  /** Stops the fit at the next chunk of data; the machine keeps the centroids it had. */
  signal?: AbortSignal;
  /** Each sample's weight (finite, >= 0): it counts that many times (fit only; fitPasses takes the data's). */
  sampleWeight?: ArrayLike<number>;
}

export interface KMeansOptions {
  /** An initialisation method, or the starting centroids [nClusters, nFeatures]. Default 'k-means||'. */
  initMethod?: KMeansInit | HostArray2D | number[][] | Float64Array;
  /** Stop when |previous - current| / previous average min distance <= this. Default 1e-5. */
  convergenceThreshold?: number;
  /** Most e-step + m-step iterations. Default 20. */
  maxIter?: number;
  /** Seed of the host random stream used by the initialisation. Default 0. */
  randomState?: number;
  /** k-means|| rounds. Default 5. */
  initMaxIter?: number;
  /** k-means|| oversampling factor (l = oversamplingFactor * nClusters per round). Default 2. */
  oversamplingFactor?: number;
  /** Rows per device chunk (bounded by the device limits). */
  chunkSize?: number;
  /** The backend work starts on; default: the one set, else TFJS_EM_BACKEND, else 'auto'. */
  backend?: BackendName;
}

/** The init method stored for a machine started from given centroids. */
const GIVEN = 'given';

/**
 * k-means with bob.learn.em's semantics (kmeans.py): squared Euclidean
 * distances in GEMM form on the device, on data centred by the mean of the
 * current centroids; statistics reduced into float64 on the host; centroids
 * updated in float64. All random draws come from the host Random(randomState),
 * so a seeded fit makes the same draws on every backend.
 *
 * The machine holds no device memory between calls (no tf.Variable): every
 * tensor lives only inside one method call. dispose() is kept for symmetry
 * with the other machines.
 */
export class KMeansMachine {
  readonly nClusters: number;
  nFeatures: number | undefined;
  initMethod: KMeansInit | HostArray2D | number[][] | Float64Array;
  convergenceThreshold: number;
  maxIter: number;
  randomState: number;
  initMaxIter: number;
  oversamplingFactor: number;
  chunkSize: number | undefined;
  backend: BackendName | undefined;
  /** Iterations (e-step + m-step) done by the last fit. */
  nIter = 0;
  /** Average squared distance to the closest centroid, measured by the last fit's last e-step. */
  averageMinDistance = NaN;

  private _centroids: Float64Array | undefined;

  constructor(nClusters: number, options: KMeansOptions = {}) {
    if (!Number.isSafeInteger(nClusters) || nClusters < 1 || nClusters > MAX_GAUSSIANS) {
      throw invalidArgument(`nClusters must be an integer in [1, ${MAX_GAUSSIANS}]; got ${shown(nClusters)}`);
    }
    const o = resolveOptions<Required<Omit<KMeansOptions, 'chunkSize' | 'backend'>> & KMeansOptions>(KMEANS_OPTIONS, options, 'KMeansMachine');
    this.nClusters = nClusters;
    this.initMethod = o.initMethod;
    this.convergenceThreshold = o.convergenceThreshold;
    this.maxIter = o.maxIter;
    this.randomState = o.randomState;
    this.initMaxIter = o.initMaxIter;
    this.oversamplingFactor = o.oversamplingFactor;
    this.chunkSize = o.chunkSize;
    this.backend = o.backend;
    this.checkOptions();
  }

  /** The centroids [nClusters, nFeatures], row-major (a copy). */
  get centroids(): Float64Array {
    if (this._centroids === undefined) {
      throw new TfjsEmError('NOT_INITIALIZED', 'KMeansMachine has no centroids yet: fit it or set centroids.');
    }
    return this._centroids.slice();
  }

  /** Sets the centroids from rows or flat row-major values; this also sets nFeatures. */
  set centroids(values: Float64Array | number[][]) {
    const c = centroidArray(values as Float64Array | number[][] | HostArray2D, this.nClusters, 'centroids');
    this._centroids = c;
    this.nFeatures = c.length / this.nClusters;
  }

  /** Whether centroids are set. */
  get isInitialized(): boolean {
    return this._centroids !== undefined;
  }

  /**
   * Initialises the centroids (always, as bob does), then alternates e-steps and
   * m-steps until the average min distance changes by at most
   * convergenceThreshold relative (checked from the second step) or maxIter steps.
   * An aborted signal rejects with its reason within one chunk of data.
   */
  async fit(X: DataInput | Matrix, options: KMeansFitOptions = {}): Promise<this> {
    resolveOptions(KMEANS_FIT_OPTIONS, options, 'fit');
    options.signal?.throwIfAborted();
    this.checkOptions();
    await ensureBackend(this.backend);
    const x = withSampleWeight(await asMatrix(X), options.sampleWeight);
    return this.fitPasses(new MatrixPasses(abortable(x, options.signal), this.chunkSize), options);
  }

  /**
   * fit on a data set given by its passes (several shards, or workers holding them).
   * An aborted signal rejects between passes (a matrix's passes also check it per chunk).
   */
  async fitPasses(x: DataPasses, options: KMeansFitOptions = {}): Promise<this> {
    this.checkOptions();
    const k = this.nClusters;
    if (k > x.nSamples) {
      throw new TfjsEmError(
        'INVALID_DATA',
        `nClusters (${k}) is larger than the number of samples (${x.nSamples})`,
      );
    }
    const weights = await x.weights();
    const live = weights === null ? x.nSamples : weights.reduce((n, w) => n + (w > 0 ? 1 : 0), 0);
    if (k > live) throw new TfjsEmError('INVALID_DATA', `nClusters (${k}) is larger than the number of samples of non-zero weight (${live})`);
    let centroids = await this.initialCentroids(x, new Random(this.randomState));
    let previous = NaN;
    let average = NaN;
    let step = 0;
    while (step < this.maxIter) {
      options.signal?.throwIfAborted();
      previous = average;
      const result = kmeansMStep(centroids, hostCentroids(centroids, k), await x.kmeansStats(centroids, k));
      centroids = result.centroids;
      average = result.averageMinDistance;
      step++;
      if (step > 1 && hasConverged(previous, average, this.convergenceThreshold)) break;
    }
    this._centroids = centroids;
    this.nFeatures = x.nFeatures;
    this.nIter = step;
    this.averageMinDistance = average;
    return this;
  }

  /** Squared distances of each sample to each centroid, [nClusters, nSamples] row-major. */
  async transform(X: DataInput | Matrix): Promise<{ data: Float64Array; shape: [number, number] }> {
    const { x, centroids, rows } = await this.prepare(X);
    const data = await withDeviceCentroids(centroids, this.nClusters, (c) => distancesPass(x, c, rows));
    return { data, shape: [this.nClusters, x.nSamples] };
  }

  /** Index of each sample's closest centroid (ties: the lowest index). */
  async predict(X: DataInput | Matrix): Promise<Int32Array> {
    const { x, centroids, rows } = await this.prepare(X);
    return withDeviceCentroids(centroids, this.nClusters, (c) => labelsPass(x, c, rows));
  }

  /**
   * Per-cluster variances [nClusters, nFeatures] and weights [nClusters] of the
   * samples assigned to each centroid (weight = count / total).
   *
   * Two passes over the data, for cancellation safety on float32 devices: the
   * first (the e-step) gives each cluster's count and members' mean in float64;
   * the second centres every sample on its own cluster's mean and sums z and
   * z^2 per cluster. The one-pass E[x^2] - E[x]^2 (even relative to a global
   * shift) loses everything when a cluster's spread is small against its
   * distance from the shift; with per-cluster centring only the float32
   * rounding of the samples themselves is left. Empty clusters: weight 0, variance 0.
   */
  async getVariancesAndWeightsForEachCluster(
    X: DataInput | Matrix,
  ): Promise<{ variances: Float64Array; weights: Float64Array }> {
    const { x } = await this.prepare(X);
    return this.variancesAndWeightsOf(new MatrixPasses(x, this.chunkSize));
  }

  /** getVariancesAndWeightsForEachCluster on a data set given by its passes. */
  async variancesAndWeightsOf(x: DataPasses): Promise<{ variances: Float64Array; weights: Float64Array }> {
    const centroids = this.centroids;
    const k = this.nClusters;
    if (x.nFeatures !== this.nFeatures) throw shapeMismatch(`data has ${x.nFeatures} features per sample; the model has ${this.nFeatures}`);
    const stats = await x.kmeansStats(centroids, k);
    const means = clusterMeans(centroids, hostCentroids(centroids, k), stats);
    const moments = await x.clusterMoments(centroids, k, means);
    return clusterVariancesAndWeights(stats.counts, moments, stats.nSamples);
  }

  /** Same number of clusters and features and identical centroids (both unset counts as equal). */
  equals(other: KMeansMachine): boolean {
    if (this.nClusters !== other.nClusters || this.nFeatures !== other.nFeatures) return false;
    const a = this._centroids;
    const b = other._centroids;
    if (a === undefined || b === undefined) return a === b;
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }

  /** Like equals, with numpy.allclose semantics on the centroids: |a - b| <= atol + rtol |b|. */
  isSimilarTo(other: KMeansMachine, rtol = 1e-5, atol = 1e-8): boolean {
    if (this.nClusters !== other.nClusters || this.nFeatures !== other.nFeatures) return false;
    const a = this._centroids;
    const b = other._centroids;
    if (a === undefined || b === undefined) return a === b;
    return allClose(a, b, rtol, atol);
  }

  /** A machine from a file path (Node) or the file's bytes (layout in src/io/kmeans.ts). */
  static async fromHDF5(source: Source): Promise<KMeansMachine> {
    const r = await readKMeansFile(source);
    const centroids = { data: r.centroids, shape: [r.nClusters, r.nFeatures] as [number, number] };
    const machine = new KMeansMachine(r.nClusters, {
      initMethod: r.initMethod === GIVEN ? centroids : (r.initMethod as KMeansInit),
      convergenceThreshold: r.convergenceThreshold,
      maxIter: r.maxIter,
      randomState: r.randomState,
      initMaxIter: r.initMaxIter,
      oversamplingFactor: r.oversamplingFactor,
    });
    machine.centroids = r.centroids;
    return machine;
  }

  toRecord(): KMeansRecord {
    const centroids = this.centroids;
    return {
      nClusters: this.nClusters,
      nFeatures: centroids.length / this.nClusters,
      centroids,
      initMethod: typeof this.initMethod === 'string' ? this.initMethod : GIVEN,
      convergenceThreshold: this.convergenceThreshold,
      maxIter: this.maxIter,
      randomState: this.randomState,
      initMaxIter: this.initMaxIter,
      oversamplingFactor: this.oversamplingFactor,
    };
  }

  /** Writes the file atomically: a temporary file renamed into place. */
  async save(path: string): Promise<void> {
    await writeKMeansFile(path, this.toRecord());
  }

  toBytes(): Promise<Uint8Array> {
    return kmeansToBytes(this.toRecord());
  }

  /** Holds no tf.Variable or tensor between calls: nothing to free. */
  dispose(): void {}

  private async initialCentroids(x: DataPasses, rng: Random): Promise<Float64Array> {
    const k = this.nClusters;
    const init = this.initMethod;
    if (typeof init !== 'string') {
      const given = centroidArray(init, k, 'initMethod');
      if (given.length / k !== x.nFeatures) {
        throw shapeMismatch(`initMethod centroids have ${given.length / k} features; the data has ${x.nFeatures}`);
      }
      return given;
    }
    if (init === 'random') return initRandom(x, k, rng);
    if (init === 'k-means++') return initKMeansPlusPlus(x, k, rng);
    return initKMeansParallel(x, k, rng, this.initMaxIter, this.oversamplingFactor);
  }

  private async prepare(X: DataInput | Matrix): Promise<{ x: Matrix; centroids: Float64Array; rows: number }> {
    const centroids = this.centroids;
    await ensureBackend(this.backend);
    const x = await asMatrix(X);
    expectFeatures(x, this.nFeatures!);
    return { x, centroids, rows: chunkRows(this.nClusters, x.nFeatures, this.chunkSize) };
  }

  /** The settings are public fields: checked at construction and when a fit starts (see KMEANS_OPTIONS). */
  private checkOptions(): void {
    for (const name of ['initMethod', 'convergenceThreshold', 'maxIter', 'randomState', 'initMaxIter', 'oversamplingFactor', 'chunkSize', 'backend'] as const) {
      if (this[name] !== undefined || KMEANS_OPTIONS[name].default !== undefined) checkOption(KMEANS_OPTIONS, name, this[name]);
    }
    if (typeof this.initMethod !== 'string') {
      try {
        centroidArray(this.initMethod, this.nClusters, 'initMethod');
      } catch (e) {
        throw e instanceof TfjsEmError ? invalidArgument(e.message) : e;
      }
    }
  }
}

/** Centroids [k, D] given as rows, flat row-major values or { data, shape }, copied into float64 and checked. */
function centroidArray(values: Float64Array | number[][] | HostArray2D, k: number, name: string): Float64Array {
  let flat: Float64Array;
  if (Array.isArray(values)) {
    const rows = values as number[][];
    const d = Array.isArray(rows[0]) ? rows[0].length : 0;
    if (rows.length !== k || d === 0 || rows.some((r) => !Array.isArray(r) || r.length !== d)) {
      throw shapeMismatch(`${name} must be ${k} rows of the same non-zero length`);
    }
    flat = Float64Array.from(rows.flat());
  } else if (values instanceof Float64Array || values instanceof Float32Array) {
    flat = Float64Array.from(values);
    if (flat.length === 0 || flat.length % k !== 0) {
      throw shapeMismatch(`${name} must have shape [${k}, nFeatures]; got ${flat.length} values`);
    }
  } else if (values && (values.data instanceof Float64Array || values.data instanceof Float32Array)) {
    const [r, d] = values.shape ?? [];
    if (r !== k || !Number.isInteger(d) || d < 1 || values.data.length !== r * d) {
      throw shapeMismatch(`${name} must have shape [${k}, nFeatures]; got shape [${values.shape}] with ${values.data.length} values`);
    }
    flat = Float64Array.from(values.data);
  } else {
    throw invalidArgument(`${name} must be number[][], a Float64Array or { data, shape }`);
  }
  for (const v of flat) if (!Number.isFinite(v)) throw invalidArgument(`${name} must be finite; got ${v}`);
  return flat;
}
