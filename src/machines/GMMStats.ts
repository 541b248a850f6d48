import { shapeMismatch, invalidArgument } from '../errors.js';
import { StatsRecord } from '../io/records.js';
import { Source } from '../io/h5file.js';
import { readStatsFile, statsToBytes, writeStatsFile } from '../io/stats.js';

export interface GMMStatsFields {
  logLikelihood?: number;
  t?: number;
  n?: ArrayLike<number>;
  sumPx?: ArrayLike<number>;
  sumPxx?: ArrayLike<number>;
}

/**
 * Sufficient statistics of a GMM, accumulated in float64 on the host:
 * n [nGaussians], sumPx and sumPxx [nGaussians, nFeatures] row-major.
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
  /** First-order statistics sum_i r_ik x_i. */
  sumPx!: Float64Array;
  /** Second-order statistics sum_i r_ik x_i^2. */
  sumPxx!: Float64Array;

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
    this.sumPx = copyOrZeros(fields.sumPx, k * d, 'sumPx', `[${k}, ${d}]`);
    this.sumPxx = copyOrZeros(fields.sumPxx, k * d, 'sumPxx', `[${k}, ${d}]`);
    return this;
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
    return this.n.byteLength + this.sumPx.byteLength + this.sumPxx.byteLength;
  }

  /** A new object holding this + other. */
  add(other: GMMStats): GMMStats {
    return this.clone().addInPlace(other);
  }

  addInPlace(other: GMMStats): this {
    this.checkSameShape(other);
    this.logLikelihood += other.logLikelihood;
    this.t += other.t;
    addInto(this.n, other.n);
    addInto(this.sumPx, other.sumPx);
    addInto(this.sumPxx, other.sumPxx);
    return this;
  }

  clone(): GMMStats {
    return new GMMStats(this.nGaussians, this.nFeatures).initFields(this);
  }

  /** Exact equality of shape and every value. */
  equals(other: GMMStats): boolean {
    return (
      this.nGaussians === other.nGaussians &&
      this.nFeatures === other.nFeatures &&
      this.logLikelihood === other.logLikelihood &&
      this.t === other.t &&
      arraysEqual(this.n, other.n) &&
      arraysEqual(this.sumPx, other.sumPx) &&
      arraysEqual(this.sumPxx, other.sumPxx)
    );
  }

  /** numpy.allclose semantics: |a - b| <= atol + rtol |b|, element-wise. */
  isSimilarTo(other: GMMStats, rtol = 1e-5, atol = 1e-8): boolean {
    return (
      this.nGaussians === other.nGaussians &&
      this.nFeatures === other.nFeatures &&
      allClose([this.logLikelihood], [other.logLikelihood], rtol, atol) &&
      allClose([this.t], [other.t], rtol, atol) &&
      allClose(this.n, other.n, rtol, atol) &&
      allClose(this.sumPx, other.sumPx, rtol, atol) &&
      allClose(this.sumPxx, other.sumPxx, rtol, atol)
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
    const { nGaussians, nFeatures, logLikelihood, t } = this;
    return { nGaussians, nFeatures, logLikelihood, t, n: this.n.slice(), sumPx: this.sumPx.slice(), sumPxx: this.sumPxx.slice() };
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
