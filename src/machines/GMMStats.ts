import { TfjsEmError, shapeMismatch, invalidArgument } from '../errors.js';
import { StatsRecord } from '../io/records.js';
import { Source } from '../io/h5file.js';
import { readStatsFile, statsToBytes, writeStatsFile } from '../io/stats.js';

export interface GMMStatsFields {
  logLikelihood?: number;
  t?: number;
  n?: ArrayLike<number>;
  sumPx?: ArrayLike<number>;
  sumPxx?: ArrayLike<number>;
  /** Moments about a centre instead of sumPx and sumPxx (see GMMStats.centredMoments). */
  centred?: CentredMoments;
  /** The parameterHash of the model the statistics were accumulated under. */
  model?: string;
}

/**
 * Moments about a centre per Gaussian and feature ([nGaussians, nFeatures], float64):
 * first = sum_i r_ik (x_ij - centre_kj), second = sum_i r_ik (x_ij - centre_kj)^2.
 * centre null: about 0, i.e. bob's sumPx and sumPxx.
 */
export interface CentredMoments {
  centre: Float64Array | null;
  first: Float64Array;
  second: Float64Array;
}

/**
 * Sufficient statistics of a GMM, accumulated in float64 on the host:
 * n [nGaussians], sumPx and sumPxx [nGaussians, nFeatures] row-major.
 * The e-step's moments are kept about each Gaussian's centre (the model's mean
 * when they were taken), so that the m-step needs no E[x^2] - mu^2 (which loses
 * everything for data far from 0 relative to its spread); sumPx and sumPxx give
 * bob's moments about 0, and from then on the statistics are held that way.
 */
export class GMMStats {
  nGaussians: number;
  nFeatures: number;
  /** Sum of the samples' log-likelihoods. */
  logLikelihood = 0;
  /** Number of samples. */
  t = 0;
  /** Sum of responsibilities, per Gaussian. */
  n!: Float64Array;
  /**
   * The parameterHash of the model the statistics were accumulated under (GMMMachine.accStats
   * sets it); undefined when unknown (statistics made by bob, or by hand). Statistics of two
   * known, different models are never added.
   */
  model: string | undefined;
  private moments!: CentredMoments;

  constructor(nGaussians: number, nFeatures: number) {
    checkDimension('nGaussians', nGaussians);
    checkDimension('nFeatures', nFeatures);
    this.nGaussians = nGaussians;
    this.nFeatures = nFeatures;
    this.initFields();
  }

  /** Sets every statistic, to zero where not given; arrays are copied. */
  initFields(fields: GMMStatsFields = {}): this {
    const { nGaussians: k, nFeatures: d } = this;
    this.logLikelihood = fields.logLikelihood ?? 0;
    this.t = fields.t ?? 0;
    this.n = copyOrZeros(fields.n, k, 'n', `[${k}]`);
    this.model = fields.model;
    const c = fields.centred;
    this.moments = {
      centre: c?.centre == null ? null : copyOrZeros(c.centre, k * d, 'centre', `[${k}, ${d}]`),
      first: copyOrZeros(c === undefined ? fields.sumPx : c.first, k * d, 'sumPx', `[${k}, ${d}]`),
      second: copyOrZeros(c === undefined ? fields.sumPxx : c.second, k * d, 'sumPxx', `[${k}, ${d}]`),
    };
    return this;
  }

  /** First-order statistics sum_i r_ik x_i (bob's layout; see the class comment). */
  get sumPx(): Float64Array {
    return this.aboutOrigin().first;
  }

  /** Second-order statistics sum_i r_ik x_i^2 (bob's layout; see the class comment). */
  get sumPxx(): Float64Array {
    return this.aboutOrigin().second;
  }

  /** The moments as held, about each Gaussian's centre (read-only: for the m-steps). */
  centredMoments(): Readonly<CentredMoments> {
    return this.moments;
  }

  /**
   * Re-expresses the moments about another centre ([nGaussians, nFeatures]; null: 0), in place:
   * with delta = old - new, first += n delta and second += 2 delta first + n delta^2.
   */
  recentre(centre: Float64Array | null): this {
    this.moments = momentsAbout(this, centre);
    return this;
  }

  /** The moments, re-expressed about centre first where needed, as live arrays to add an e-step chunk's to. */
  momentsToAddTo(centre: Float64Array | null): CentredMoments {
    if (this.moments.centre !== centre) this.recentre(centre);
    return this.moments;
  }

  /** bob's sumPx and sumPxx, computed without changing how these statistics are held. */
  uncentred(): { sumPx: Float64Array; sumPxx: Float64Array } {
    const { first, second } = momentsAbout(this, null);
    return { sumPx: first, sumPxx: second };
  }

  private aboutOrigin(): CentredMoments {
    if (this.moments.centre !== null) this.recentre(null);
    return this.moments;
  }

  reset(): this {
    return this.initFields();
  }

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

  /** Bytes held by n, sumPx and sumPxx. */
  get nbytes(): number {
    return this.n.byteLength + this.moments.first.byteLength + this.moments.second.byteLength;
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
    this.logLikelihood += other.logLikelihood;
    this.t += other.t;
    // About this one's centres (or other's, while this one holds nothing).
    const centre = this.t === 0 && this.moments.centre === null ? other.moments.centre : this.moments.centre;
    if (this.moments.centre !== centre) this.recentre(centre);
    const theirs = momentsAbout(other, centre);
    addInto(this.n, other.n);
    addInto(this.moments.first, theirs.first);
    addInto(this.moments.second, theirs.second);
    return this;
  }

  clone(): GMMStats {
    const { logLikelihood, t, n, moments, model } = this;
    return new GMMStats(this.nGaussians, this.nFeatures).initFields({ logLikelihood, t, n, centred: moments, model });
  }

  /** Exact equality of shape and every value. */
  equals(other: GMMStats): boolean {
    const a = this.uncentred();
    const b = other.uncentred();
    return (
      this.nGaussians === other.nGaussians &&
      this.nFeatures === other.nFeatures &&
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
    return new GMMStats(r.nGaussians, r.nFeatures).initFields(r);
  }

  /** Replaces these statistics, shape included, with a file's (bob's load). */
  async load(source: Source): Promise<void> {
    const loaded = await GMMStats.fromHDF5(source);
    this.resize(loaded.nGaussians, loaded.nFeatures).initFields(loaded);
  }

  toRecord(): StatsRecord {
    const { nGaussians, nFeatures, logLikelihood, t, model } = this;
    return { nGaussians, nFeatures, logLikelihood, t, n: this.n.slice(), ...this.uncentred(), ...(model === undefined ? {} : { model }) };
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

/** The moments of s about centre (null: 0), as new arrays. */
function momentsAbout(s: GMMStats, centre: Float64Array | null): CentredMoments {
  const { centre: from, first, second } = s.centredMoments();
  if (from === centre) return { centre, first: first.slice(), second: second.slice() };
  const d = s.nFeatures;
  const out = { centre, first: first.slice(), second: second.slice() };
  for (let e = 0; e < first.length; e++) {
    const delta = (from === null ? 0 : from[e]) - (centre === null ? 0 : centre[e]);
    if (delta === 0) continue;
    const n = s.n[Math.floor(e / d)];
    out.second[e] += delta * (2 * first[e] + n * delta);
    out.first[e] += n * delta;
  }
  return out;
}

function addInto(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
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
