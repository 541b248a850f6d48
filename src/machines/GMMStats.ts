import { TfjsEmError, shapeMismatch, invalidArgument } from '../errors.js';
import { StatsRecord } from '../io/records.js';
import { Source } from '../io/h5file.js';
import { readStatsFile, statsToBytes, writeStatsFile } from '../io/stats.js';
import { type CentredMoments, type Moments, type SecondOrder, addMoments, momentsAbout, recentre, secondLength } from '../math/gmm/moments.js';
import { type CovarianceType, COVARIANCE_TYPES, covarianceForm } from '../math/gmm/covariances/index.js';

export interface GMMStatsFields {
  logLikelihood?: number;
  t?: number;
  n?: ArrayLike<number>;
  sumPx?: ArrayLike<number>;
  sumPxx?: ArrayLike<number>;
  /** Moments about a centre instead of sumPx and sumPxx (see Moments). */
  centred?: CentredMoments;
  /** The parameterHash of the model the statistics were accumulated under. */
  model?: string;
}

export type { CentredMoments };

/**
 * Sufficient statistics of a GMM, accumulated in float64 on the host: n [nGaussians], and the
 * first and second moments row-major about each Gaussian's centre (the model's mean when they
 * were taken: see Moments), so that the m-step needs no E[x^2] - mu^2. The second moments
 * follow the model's covariance type: [nGaussians, nFeatures] for diag and spherical (bob's),
 * [nGaussians, nFeatures, nFeatures] for full, [nFeatures, nFeatures] pooled for tied.
 * sumPx and sumPxx give the moments about 0, computed: reading them changes nothing.
 */
export class GMMStats implements Moments {
  nGaussians: number;
  nFeatures: number;
  /** The covariance type of the models whose statistics these are (it sets the second moments' layout). */
  readonly covarianceType: CovarianceType;
  /** Sum of the samples' log-likelihoods. */
  logLikelihood = 0;
  /** Number of samples. */
  t = 0;
  /** Sum of responsibilities, per Gaussian. */
  n!: Float64Array;
  /** The centres the moments are about, [nGaussians, nFeatures]; null: about 0. */
  centre!: Float64Array | null;
  first!: Float64Array;
  second!: Float64Array;
  /**
   * The parameterHash of the model the statistics were accumulated under (GMMMachine.accStats
   * sets it); undefined when unknown (statistics made by bob, or by hand). Statistics of two
   * known, different models are never added.
   */
  model: string | undefined;

  constructor(nGaussians: number, nFeatures: number, covarianceType: CovarianceType = 'diag') {
    checkDimension('nGaussians', nGaussians);
    checkDimension('nFeatures', nFeatures);
    if (!COVARIANCE_TYPES.includes(covarianceType)) {
      throw invalidArgument(`covarianceType must be one of ${COVARIANCE_TYPES.map((t) => `'${t}'`).join(', ')}; got ${String(covarianceType)}`);
    }
    this.nGaussians = nGaussians;
    this.nFeatures = nFeatures;
    this.covarianceType = covarianceType;
    this.initFields();
  }

  /** How the second moments are held (see Moments). */
  get secondOrder(): SecondOrder {
    return covarianceForm(this.covarianceType).secondOrder;
  }

  /** The second moments' shape. */
  get secondShape(): number[] {
    const { nGaussians: k, nFeatures: d } = this;
    return this.secondOrder === 'diagonal' ? [k, d] : this.secondOrder === 'full' ? [k, d, d] : [d, d];
  }

  /** Sets every statistic, to zero where not given; arrays are copied. */
  initFields(fields: GMMStatsFields = {}): this {
    const { nGaussians: k, nFeatures: d } = this;
    this.logLikelihood = fields.logLikelihood ?? 0;
    this.t = fields.t ?? 0;
    this.n = copyOrZeros(fields.n, k, 'n', `[${k}]`);
    this.model = fields.model;
    const c = fields.centred;
    this.centre = c?.centre == null ? null : copyOrZeros(c.centre, k * d, 'centre', `[${k}, ${d}]`);
    this.first = copyOrZeros(c === undefined ? fields.sumPx : c.first, k * d, 'sumPx', `[${k}, ${d}]`);
    this.second = copyOrZeros(c === undefined ? fields.sumPxx : c.second, secondLength(this.secondOrder, k, d), 'sumPxx', `[${this.secondShape}]`);
    return this;
  }

  /** First-order statistics sum_i r_ik x_i, bob's layout (computed: a new array each time). */
  get sumPx(): Float64Array {
    return momentsAbout(this, null).first;
  }

  /** Sets the first-order statistics about 0 (bob's layout); the second order ones are kept, re-expressed about 0. */
  set sumPx(values: ArrayLike<number>) {
    recentre(this, null);
    this.first = copyOrZeros(values, this.first.length, 'sumPx', `[${this.nGaussians}, ${this.nFeatures}]`);
  }

  /** Second-order statistics sum_i r_ik x_i^2 (bob's layout), or x_i x_i^T (full, tied), about 0 (computed: a new array each time). */
  get sumPxx(): Float64Array {
    return momentsAbout(this, null).second;
  }

  set sumPxx(values: ArrayLike<number>) {
    recentre(this, null);
    this.second = copyOrZeros(values, this.second.length, 'sumPxx', `[${this.secondShape}]`);
  }

  /** The moments as held, about each Gaussian's centre (read-only: for the m-steps). */
  centredMoments(): Readonly<CentredMoments> {
    return { centre: this.centre, first: this.first, second: this.second };
  }

  /** Re-expresses the moments about another centre ([nGaussians, nFeatures]; null: 0), in place. */
  recentre(centre: Float64Array | null): this {
    recentre(this, centre);
    return this;
  }

  /** bob's sumPx and sumPxx, computed without changing how these statistics are held. */
  uncentred(): { sumPx: Float64Array; sumPxx: Float64Array } {
    const { first, second } = momentsAbout(this, null);
    return { sumPx: first, sumPxx: second };
  }

  reset(): this {
    return this.initFields();
  }

  /** New dimensions (the covariance type stays), every statistic zero. */
  resize(nGaussians: number, nFeatures: number): this {
    checkDimension('nGaussians', nGaussians);
    checkDimension('nFeatures', nFeatures);
    this.nGaussians = nGaussians;
    this.nFeatures = nFeatures;
    return this.initFields();
  }

  get shape(): [number, number] {
    return [this.nGaussians, this.nFeatures];
  }

  /** Bytes held by n and the two moments. */
  get nbytes(): number {
    return this.n.byteLength + this.first.byteLength + this.second.byteLength;
  }

  /** A new object holding this + other. */
  add(other: GMMStats): GMMStats {
    return this.clone().addInPlace(other);
  }

  addInPlace(other: GMMStats): this {
    this.checkSameShape(other);
    if (this.model !== undefined && other.model !== undefined && this.model !== other.model) {
      throw new TfjsEmError('INVALID_DATA', `statistics of model ${this.model} and of model ${other.model} cannot be added: accumulate them under one model`);
    }
    this.model ??= other.model;
    addMoments(this, other);
    return this;
  }

  clone(): GMMStats {
    const { logLikelihood, t, n, model } = this;
    return new GMMStats(this.nGaussians, this.nFeatures, this.covarianceType).initFields({ logLikelihood, t, n, centred: this.centredMoments(), model });
  }

  /** Exact equality of shape and every value. */
  equals(other: GMMStats): boolean {
    const a = this.uncentred();
    const b = other.uncentred();
    return (
      this.nGaussians === other.nGaussians &&
      this.nFeatures === other.nFeatures &&
      this.secondOrder === other.secondOrder &&
      this.logLikelihood === other.logLikelihood &&
      this.t === other.t &&
      arraysEqual(this.n, other.n) &&
      arraysEqual(a.sumPx, b.sumPx) &&
      arraysEqual(a.sumPxx, b.sumPxx)
    );
  }

  /** numpy.allclose semantics: |a - b| <= atol + rtol |b|, element-wise. */
  isSimilarTo(other: GMMStats, rtol = 1e-5, atol = 1e-8): boolean {
    const a = this.uncentred();
    const b = other.uncentred();
    return (
      this.nGaussians === other.nGaussians &&
      this.nFeatures === other.nFeatures &&
      this.secondOrder === other.secondOrder &&
      allClose([this.logLikelihood], [other.logLikelihood], rtol, atol) &&
      allClose([this.t], [other.t], rtol, atol) &&
      allClose(this.n, other.n, rtol, atol) &&
      allClose(a.sumPx, b.sumPx, rtol, atol) &&
      allClose(a.sumPxx, b.sumPxx, rtol, atol)
    );
  }

  /** Statistics from a file path (Node) or the file's bytes (layout 1.0 or legacy). */
  static async fromHDF5(source: Source): Promise<GMMStats> {
    const r = await readStatsFile(source);
    return new GMMStats(r.nGaussians, r.nFeatures, r.covarianceType).initFields(r);
  }

  /** Replaces these statistics, shape included, with a file's (bob's load); the file's covariance type must be these statistics'. */
  async load(source: Source): Promise<void> {
    const loaded = await GMMStats.fromHDF5(source);
    if (loaded.covarianceType !== this.covarianceType) {
      throw shapeMismatch(`the file holds statistics of ${loaded.covarianceType} covariances; these are of ${this.covarianceType} ones`);
    }
    this.resize(loaded.nGaussians, loaded.nFeatures).initFields({ ...loaded, centred: loaded.centredMoments() });
  }

  toRecord(): StatsRecord {
    const { nGaussians, nFeatures, logLikelihood, t, model } = this;
    const type = this.covarianceType === 'diag' ? {} : { covarianceType: this.covarianceType };
    return { nGaussians, nFeatures, logLikelihood, t, n: this.n.slice(), ...this.uncentred(), ...(model === undefined ? {} : { model }), ...type };
  }

  /** Writes the file atomically: a temporary file renamed into place. */
  async save(path: string): Promise<void> {
    await writeStatsFile(path, this.toRecord());
  }

  toBytes(): Promise<Uint8Array> {
    return statsToBytes(this.toRecord());
  }

  private checkSameShape(other: GMMStats): void {
    if (this.nGaussians !== other.nGaussians || this.nFeatures !== other.nFeatures) {
      throw shapeMismatch(
        `statistics of shape [${this.shape}] and [${other.shape}] cannot be added (shape mismatch)`,
      );
    }
    if (this.secondOrder !== other.secondOrder) {
      throw shapeMismatch(`statistics of ${this.covarianceType} and of ${other.covarianceType} covariances cannot be added`);
    }
  }
}

function checkDimension(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw invalidArgument(`${name} must be a positive integer; got ${value}`);
}

function copyOrZeros(values: ArrayLike<number> | undefined, length: number, name: string, shape: string): Float64Array {
  if (values === undefined) return new Float64Array(length);
  if (values.length !== length) {
    throw shapeMismatch(`${name} must have shape ${shape} (${length} values); got ${values.length} values`);
  }
  return Float64Array.from(values);
}

function arraysEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** numpy.allclose: NaN is never close; equal infinities are. */
export function allClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) return false;
  }
  return true;
}
