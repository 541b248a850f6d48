/**
 * What ISVMachine and JFAMachine share (bob.learn.em's FactorAnalysisBase): the UBM, U and D,
 * their start, the statistics' checks, speakers grouped from ids, and scoring a probe by linear
 * scoring against m + (V y +) D z with the probe's own session offset U x as channel offset.
 * Float64 on the host (math/factorAnalysis).
 */
import { invalidArgument, shapeMismatch } from '../../errors.js';
import { factorAnalysisToBytes, readFactorAnalysisFile, writeFactorAnalysisFile, type FactorAnalysisRecord, type Source } from '../../io/index.js';
import { type FactorModel, type Session, type Speaker, sessionOf, speakerOf } from '../../math/factorAnalysis/model.js';
import { probeX } from '../../math/factorAnalysis/steps.js';
import { precisionTerms } from '../../math/ivector.js';
import { hostProducts } from '../../math/factorAnalysis/batched.js';
import { type DeviceProducts, withDeviceProducts } from '../../math/factorAnalysis/deviceProducts.js';
import { Random } from '../../math/random.js';
import { linearScoring } from '../../scoring/linearScoring.js';
import { GMMMachine } from '../GMMMachine.js';
import { GMMStats } from '../GMMStats.js';

export interface FactorAnalysisOptions {
  /** Rank of U, the session subspace (required). */
  rU: number;
  /** D's start: sqrt(UBM variances / relevanceFactor) (default 4, bob's). */
  relevanceFactor?: number;
  /** EM steps of fit, per trained matrix (default 10). */
  emIterations?: number;
  /** Rounds of latent updates in enroll (default 1). */
  enrollIterations?: number;
  /** Seed of U's (and V's) standard normal start (default 0). */
  randomState?: number;
  /**
   * The batched matrix products (the per-session systems and the sums over sessions) as float32
   * products on the TF.js backend (wasm, webgl, tensorflow), summed in float64 on the host
   * (default false: float64 on the host). Pays for large C * rank^2; results within ~1e-6
   * relative of the host's (docs/factor-analysis.md).
   */
  deviceProducts?: boolean;
}

/** Speaker (class) ids, one per GMMStats of fit: integers or strings. */
export type SpeakerIds = ReadonlyArray<number | string>;

const BASE_OPTIONS = ['rU', 'relevanceFactor', 'emIterations', 'enrollIterations', 'randomState', 'deviceProducts'];

export abstract class FactorAnalysisBase {
  readonly ubm: GMMMachine;
  readonly rU: number;
  relevanceFactor: number;
  emIterations: number;
  enrollIterations: number;
  randomState: number;
  deviceProducts: boolean;
  protected _u: Float64Array;
  protected _d: Float64Array;
  /** Read from a file: the UBM is this machine's own, freed by dispose. */
  protected ownsUbm = false;
  /** The per-Gaussian terms of U and of V, kept while those arrays and the UBM's variances stay (a probe's x needs them). */
  private terms = new Map<Float64Array, { sigma: Float64Array; terms: Float64Array }>();
  /** The device products of the call in progress (deviceProducts), freed when it ends. */
  private device: DeviceProducts | null = null;

  protected constructor(
    protected readonly name: string,
    ubm: GMMMachine,
    options: FactorAnalysisOptions,
    extraOptions: string[],
  ) {
    if (!(ubm instanceof GMMMachine) || !ubm.isInitialized) throw invalidArgument(`${name}: the UBM must be a GMMMachine with means`);
    if (ubm.covarianceType === 'full' || ubm.covarianceType === 'tied') {
      throw invalidArgument(`${name}: the UBM has ${ubm.covarianceType} covariances; ISV and JFA take diagonal (or spherical) ones, as bob's`);
    }
    if (options === null || typeof options !== 'object') throw invalidArgument(`${name}: options must be an object`);
    const valid = [...BASE_OPTIONS, ...extraOptions];
    const unknown = Object.keys(options).filter((k) => !valid.includes(k));
    if (unknown.length > 0) throw invalidArgument(`${name}: unknown option(s) ${unknown.join(', ')}; valid: ${valid.join(', ')}`);
    const o = { relevanceFactor: 4, emIterations: 10, enrollIterations: 1, randomState: 0, deviceProducts: false, ...options };
    checkRank(name, 'rU', o.rU);
    if (!(o.relevanceFactor > 0 && Number.isFinite(o.relevanceFactor))) throw invalidArgument(`${name}: relevanceFactor must be finite and > 0; got ${o.relevanceFactor}`);
    for (const key of ['emIterations', 'enrollIterations'] as const) {
      if (!Number.isInteger(o[key]) || o[key] < 0) throw invalidArgument(`${name}: ${key} must be an integer >= 0; got ${o[key]}`);
    }
    if (!Number.isInteger(o.randomState)) throw invalidArgument(`${name}: randomState must be an integer; got ${o.randomState}`);
    if (typeof o.deviceProducts !== 'boolean') throw invalidArgument(`${name}: deviceProducts must be true or false`);
    this.deviceProducts = o.deviceProducts;
    this.ubm = ubm;
    ({ rU: this.rU, relevanceFactor: this.relevanceFactor, emIterations: this.emIterations, enrollIterations: this.enrollIterations, randomState: this.randomState } = o);
    this._u = new Float64Array(0);
    this._d = this.ubm.variances.map((v) => Math.sqrt(v / this.relevanceFactor));
  }

  /** bob's start of the subspaces: standard normal, U's values drawn first, then V's (rV 0: none). */
  protected drawStart(rV: number): { u: Float64Array; v: Float64Array } {
    const rng = new Random(this.randomState);
    const cd = this.supervectorLength;
    const u = Float64Array.from({ length: cd * this.rU }, () => rng.normal());
    return { u, v: Float64Array.from({ length: cd * rV }, () => rng.normal()) };
  }

  /** C * D, the supervector's length. */
  get supervectorLength(): number {
    return this.ubm.nGaussians * this.ubm.nFeatures;
  }

  /** U, [C*D, rU] row-major. */
  get U(): Float64Array {
    return this._u.slice();
  }

  set U(values: ArrayLike<number> | number[][]) {
    this._u = finiteArray(this.name, values, this.supervectorLength * this.rU, 'U', `[${this.supervectorLength}, ${this.rU}]`);
  }

  /** D's diagonal, [C*D]. */
  get D(): Float64Array {
    return this._d.slice();
  }

  set D(values: ArrayLike<number>) {
    this._d = finiteArray(this.name, values, this.supervectorLength, 'D', `[${this.supervectorLength}]`);
  }

  /** The model the math works on (views of this machine's arrays). */
  protected model(): FactorModel {
    const sigma = this.ubm.variances;
    return {
      c: this.ubm.nGaussians, d: this.ubm.nFeatures, means: this.ubm.means, sigma,
      u: this._u, rU: this.rU, v: null, rV: 0, dDiag: this._d, products: this.device ?? undefined,
      termsOf: (w, r) => {
        const kept = this.terms.get(w);
        if (kept !== undefined && kept.sigma.every((v, i) => v === sigma[i])) return kept.terms;
        const terms = precisionTerms(w, sigma, { c: this.ubm.nGaussians, d: this.ubm.nFeatures, r });
        const current = this.subspaces();
        for (const key of this.terms.keys()) if (!current.includes(key)) this.terms.delete(key);
        this.terms.set(w, { sigma, terms });
        return terms;
      },
    };
  }

  /**
   * Runs one of the machine's operations; with deviceProducts, on device products that live for
   * the operation (nested operations share them), so that it leaves no tensor behind.
   */
  protected withProducts<T>(operation: () => T): T {
    if (!this.deviceProducts || this.device !== null) return operation();
    return withDeviceProducts(this.name, (products) => {
      this.device = products;
      try {
        return operation();
      } finally {
        this.device = null;
      }
    });
  }

  /** The training statistics grouped by speaker, speakers in the ids' sorted order. */
  protected speakers(stats: GMMStats[], ids: SpeakerIds): Speaker[] {
    this.checkStats(stats, 'fit');
    if (!Array.isArray(ids) || ids.length !== stats.length) {
      throw shapeMismatch(`${this.name}.fit: expected one speaker id per statistics (${stats.length}); got ${Array.isArray(ids) ? ids.length : typeof ids}`);
    }
    const bad = ids.findIndex((id) => !(typeof id === 'string' || Number.isInteger(id)));
    if (bad >= 0) throw invalidArgument(`${this.name}.fit: speaker id ${bad} is ${String(ids[bad])}; ids are integers or strings`);
    const means = this.ubm.means;
    const groups = new Map<number | string, Session[]>();
    stats.forEach((s, i) => {
      const sessions = groups.get(ids[i]) ?? [];
      sessions.push(sessionOf(s, means));
      groups.set(ids[i], sessions);
    });
    const order = [...groups.keys()].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
    return order.map((id) => speakerOf(groups.get(id)!, this.shape()));
  }

  /** One speaker (or probe) from statistics: their sessions. */
  protected speaker(stats: GMMStats[], what: string): Speaker {
    this.checkStats(stats, what);
    if (stats.length === 0) throw invalidArgument(`${this.name}.${what}: expected at least one GMMStats`);
    const means = this.ubm.means;
    return speakerOf(stats.map((s) => sessionOf(s, means)), this.shape());
  }

  private shape(): { c: number; d: number } {
    return { c: this.ubm.nGaussians, d: this.ubm.nFeatures };
  }

  /** A probe's x (bob's estimate_x): its statistics summed, [rU]. */
  estimateX(stats: GMMStats[]): Float64Array {
    return this.withProducts(() => probeX(this.model(), this.speaker(stats, 'estimateX')));
  }

  /** U x of a probe, [C*D] (bob's estimate_ux). */
  estimateUx(stats: GMMStats[]): Float64Array {
    return this.withProducts(() => (this.device ?? hostProducts).timesEach(this._u, [this.estimateX(stats)], this.rU)[0]);
  }

  /** Linear scoring of a probe (its statistics summed) against a model's mean supervector, the probe's U x as channel offset, by frames. */
  protected scoreAgainst(modelMeans: Float64Array, stats: GMMStats[]): number {
    const ux = this.estimateUx(stats);
    const probe = stats.slice(1).reduce((sum, s) => sum.add(s), stats[0]);
    return linearScoring(modelMeans, this.ubm, probe, { channelOffsets: ux, frameLengthNormalization: true })[0];
  }

  /** A latent vector given to score, checked. */
  protected latent(values: ArrayLike<number>, what: string, length: number): Float64Array {
    return finiteArray(`${this.name}.score`, values, length, what, `[${length}]`);
  }

  /** The machine as a file record. */
  toRecord(): FactorAnalysisRecord {
    return {
      kind: this.name as FactorAnalysisRecord['kind'], ubm: this.ubm.toRecord(), rU: this.rU, u: this.U, rV: 0, v: null, d: this.D,
      relevanceFactor: this.relevanceFactor, emIterations: this.emIterations, enrollIterations: this.enrollIterations, randomState: this.randomState,
    };
  }

  /** Writes the machine, its UBM inside (see io/factorAnalysis.ts), atomically. */
  save(path: string): Promise<void> {
    return writeFactorAnalysisFile(path, this.toRecord());
  }

  toBytes(): Promise<Uint8Array> {
    return factorAnalysisToBytes(this.toRecord());
  }

  /** A file's record and its UBM: the file's own (a new machine, ownsUbm) or else the one given. */
  protected static async read(source: Source, kind: FactorAnalysisRecord['kind'], ubm?: GMMMachine): Promise<{ record: FactorAnalysisRecord; ubm: GMMMachine; ownsUbm: boolean }> {
    const given = ubm?.toRecord();
    const record = await readFactorAnalysisFile(source, kind, given);
    const ownsUbm = record.ubm !== given;
    return { record, ubm: ownsUbm ? GMMMachine.fromRecord(record.ubm) : ubm!, ownsUbm };
  }

  /** The subspace matrices in use (their terms are kept; those of replaced ones are dropped). */
  protected subspaces(): Float64Array[] {
    return [this._u];
  }

  /** Settings of a machine read from a record. */
  protected static optionsOf(r: FactorAnalysisRecord): FactorAnalysisOptions {
    return { rU: r.rU, relevanceFactor: r.relevanceFactor, emIterations: r.emIterations, enrollIterations: r.enrollIterations, randomState: r.randomState };
  }

  /** Frees the device copies of a UBM read with the machine (one given to the constructor stays the caller's). */
  dispose(): void {
    if (this.ownsUbm) this.ubm.dispose();
  }

  protected checkStats(stats: GMMStats[], what: string): void {
    if (!Array.isArray(stats) || !stats.every((s) => s instanceof GMMStats)) throw invalidArgument(`${this.name}.${what}: expected an array of GMMStats`);
    const [c, d] = this.ubm.shape;
    stats.forEach((s, i) => {
      if (s.nGaussians !== c || s.nFeatures !== d) throw shapeMismatch(`${this.name}.${what}: statistics ${i} are [${s.shape}]; the UBM is [${c}, ${d}]`);
    });
  }
}

export function checkRank(name: string, key: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 1) throw invalidArgument(`${name}: ${key} must be a positive integer; got ${String(value)}`);
}

export function finiteArray(name: string, values: ArrayLike<number> | unknown[], length: number, what: string, shape: string): Float64Array {
  const flat = Float64Array.from(Array.isArray(values) ? (values.flat(2) as number[]) : Array.from(values as ArrayLike<number>));
  if (flat.length !== length) throw shapeMismatch(`${name}: ${what} must have shape ${shape} (${length} values); got ${flat.length}`);
  const bad = flat.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw invalidArgument(`${name}: ${what} holds ${flat[bad]} at ${bad}`);
  return flat;
}
