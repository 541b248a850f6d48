/**
 * IVectorMachine (bob.learn.em's): a total-variability model T [C, D, R] and a diagonal
 * residual covariance Sigma [C, D] over a UBM's statistics, trained by EM (math/ivector.ts) from
 * GMMStats of training utterances, projecting an utterance's GMMStats to its i-vector [R].
 * Float64 on the host.
 */
import { invalidArgument } from '../errors.js';
import { ivectorToBytes, readIVectorFile, writeIVectorFile, type IVectorRecord, type Source } from '../io/index.js';
import { hostProducts, type Products } from '../math/factorAnalysis/batched.js';
import { withDeviceProducts } from '../math/factorAnalysis/deviceProducts.js';
import { Random } from '../math/random.js';
import {
  type IVectorAccumulators, type IVectorShape, IVectorModel, accumulate, completeAccumulators, emptyAccumulators, maximize, project,
} from '../math/ivector.js';
import { GMMMachine } from './GMMMachine.js';
import { GMMStats } from './GMMStats.js';

export interface IVectorMachineOptions {
  /** The i-vectors' dimension R (default 2, bob's). */
  dimT?: number;
  /** Re-estimate Sigma at each m-step (default true). */
  updateSigma?: boolean;
  /** Smallest value of Sigma (default 1e-10). */
  varianceFloor?: number;
  /** EM steps of fit (default 25; bob has no convergence rule). */
  maxIterations?: number;
  /** Seed of T's start when fit finds none set (default 0). */
  randomState?: number;
  /**
   * The batched matrix products (each utterance's A, the projections, the accumulators' sums) as
   * float32 products on the TF.js backend (wasm, webgl, tensorflow), summed in float64 on the
   * host (default false: float64 on the host); see docs/ivector.md for their agreement.
   */
  deviceProducts?: boolean;
}

const OPTIONS = ['dimT', 'updateSigma', 'varianceFloor', 'maxIterations', 'randomState', 'deviceProducts'];

export class IVectorMachine {
  readonly ubm: GMMMachine;
  readonly dimT: number;
  updateSigma: boolean;
  varianceFloor: number;
  maxIterations: number;
  randomState: number;
  deviceProducts: boolean;
  private _t: Float64Array | null = null;
  private _sigma: Float64Array | null = null;
  /** Read from a file: the UBM is this machine's own, freed by dispose. */
  private ownsUbm = false;
  /** What the e-step derives from T and Sigma, while they stay (they are replaced, never changed in place). */
  private model: IVectorModel | null = null;

  constructor(ubm: GMMMachine, options: IVectorMachineOptions = {}) {
    if (!(ubm instanceof GMMMachine) || !ubm.isInitialized) throw invalidArgument('IVectorMachine: the UBM must be a GMMMachine with means');
    if (ubm.covarianceType === 'full' || ubm.covarianceType === 'tied') {
      throw invalidArgument(`IVectorMachine: the UBM has ${ubm.covarianceType} covariances; i-vectors take diagonal (or spherical) ones, as bob's`);
    }
    if (options === null || typeof options !== 'object') throw invalidArgument('IVectorMachine: options must be an object');
    const unknown = Object.keys(options).filter((k) => !OPTIONS.includes(k));
    if (unknown.length > 0) throw invalidArgument(`IVectorMachine: unknown option(s) ${unknown.join(', ')}; valid: ${OPTIONS.join(', ')}`);
    const o = { dimT: 2, updateSigma: true, varianceFloor: 1e-10, maxIterations: 25, randomState: 0, deviceProducts: false, ...options };
    if (!Number.isInteger(o.dimT) || o.dimT < 1) throw invalidArgument(`IVectorMachine: dimT must be a positive integer; got ${o.dimT}`);
    if (!Number.isInteger(o.maxIterations) || o.maxIterations < 0) throw invalidArgument(`IVectorMachine: maxIterations must be an integer >= 0; got ${o.maxIterations}`);
    if (!(o.varianceFloor >= 0 && Number.isFinite(o.varianceFloor))) throw invalidArgument(`IVectorMachine: varianceFloor must be finite and >= 0; got ${o.varianceFloor}`);
    if (!Number.isInteger(o.randomState)) throw invalidArgument(`IVectorMachine: randomState must be an integer; got ${o.randomState}`);
    if (typeof o.updateSigma !== 'boolean') throw invalidArgument('IVectorMachine: updateSigma must be true or false');
    if (typeof o.deviceProducts !== 'boolean') throw invalidArgument('IVectorMachine: deviceProducts must be true or false');
    this.deviceProducts = o.deviceProducts;
    this.ubm = ubm;
    ({ dimT: this.dimT, updateSigma: this.updateSigma, varianceFloor: this.varianceFloor, maxIterations: this.maxIterations, randomState: this.randomState } = o);
  }

  private get shape(): IVectorShape {
    return { c: this.ubm.nGaussians, d: this.ubm.nFeatures, r: this.dimT };
  }

  /** T, [C, D, R] row-major (bob's (c, d, t)); null until set or fitted. */
  get T(): Float64Array | null {
    return this._t?.slice() ?? null;
  }

  set T(values: ArrayLike<number> | number[][][]) {
    const { c, d, r } = this.shape;
    this._t = finiteArray(values, c * d * r, 'T', `[${c}, ${d}, ${r}]`);
  }

  /** Sigma, [C, D] row-major; null until set or fitted. */
  get sigma(): Float64Array | null {
    return this._sigma?.slice() ?? null;
  }

  set sigma(values: ArrayLike<number> | number[][]) {
    const { c, d } = this.shape;
    const sigma = finiteArray(values, c * d, 'sigma', `[${c}, ${d}]`);
    const bad = sigma.findIndex((v) => !(v > 0));
    if (bad >= 0) throw invalidArgument(`IVectorMachine: sigma must be > 0; value ${bad} is ${sigma[bad]}`);
    this._sigma = sigma;
  }

  /**
   * maxIterations EM steps over the training utterances' statistics, from the T and Sigma
   * already set, else from bob's start: T standard normal (seeded by randomState), Sigma the UBM's variances.
   */
  fit(stats: GMMStats[], options: { onStep?: (step: number) => void } = {}): this {
    this.checkStats(stats);
    this.initialize();
    for (let step = 1; step <= this.maxIterations; step++) {
      this.mStep(this.eStep(stats));
      options.onStep?.(step);
    }
    return this;
  }

  /** bob's start where T or Sigma is not set yet: T standard normal (seeded by randomState), Sigma the UBM's variances. */
  initialize(): this {
    if (this._t === null) {
      const rng = new Random(this.randomState);
      const { c, d, r } = this.shape;
      this._t = Float64Array.from({ length: c * d * r }, () => rng.normal());
    }
    this._sigma ??= this.ubm.variances.slice();
    return this;
  }

  /** The e-step's sums over utterances under the current T and Sigma (add those of other shards before mStep). */
  eStep(stats: GMMStats[]): IVectorAccumulators {
    this.checkStats(stats);
    const model = this.currentModel();
    const acc = emptyAccumulators(this.shape);
    this.withProducts((products) => accumulate(acc, stats, this.ubm.means, model, products));
    return completeAccumulators(acc, this.shape);
  }

  /** New T (and Sigma, with updateSigma) from e-step sums. */
  mStep(acc: IVectorAccumulators): void {
    const [, sigma] = this.parameters();
    const next = maximize(acc, sigma, this.shape, { updateSigma: this.updateSigma, varianceFloor: this.varianceFloor });
    [this._t, this._sigma] = [next.t, next.sigma];
  }

  /** The i-vector of one utterance's statistics, [R]. */
  project(stats: GMMStats): Float64Array {
    return this.transform([stats])[0];
  }

  /** The i-vectors of utterances, one [R] each. */
  transform(stats: GMMStats[]): Float64Array[] {
    this.checkStats(stats);
    const model = this.currentModel();
    return this.withProducts((products) => project(stats, this.ubm.means, model, products));
  }

  /** The machine as a file record (T and sigma must be set). */
  toRecord(): IVectorRecord {
    const [t, sigma] = this.parameters();
    return {
      ubm: this.ubm.toRecord(), dimT: this.dimT, t: t.slice(), sigma: sigma.slice(), varianceFloor: this.varianceFloor,
      updateSigma: this.updateSigma, maxIterations: this.maxIterations, randomState: this.randomState,
    };
  }

  /** Writes the machine, its UBM inside (see io/ivector.ts), atomically. */
  save(path: string): Promise<void> {
    return writeIVectorFile(path, this.toRecord());
  }

  toBytes(): Promise<Uint8Array> {
    return ivectorToBytes(this.toRecord());
  }

  static async fromHDF5(source: Source): Promise<IVectorMachine> {
    const r = await readIVectorFile(source);
    const machine = new IVectorMachine(GMMMachine.fromRecord(r.ubm), {
      dimT: r.dimT, updateSigma: r.updateSigma, varianceFloor: r.varianceFloor, maxIterations: r.maxIterations, randomState: r.randomState,
    });
    [machine.T, machine.sigma, machine.ownsUbm] = [r.t, r.sigma, true];
    return machine;
  }

  /** Frees the device copies of a UBM read with the machine (one given to the constructor stays the caller's). */
  dispose(): void {
    if (this.ownsUbm) this.ubm.dispose();
  }

  /** Runs `operation` on the host's products, or with deviceProducts on device products that live for it. */
  private withProducts<T>(operation: (products: Products) => T): T {
    return this.deviceProducts ? withDeviceProducts('IVectorMachine', operation) : operation(hostProducts);
  }

  private currentModel(): IVectorModel {
    const [t, sigma] = this.parameters();
    if (this.model?.t !== t || this.model.sigma !== sigma) this.model = new IVectorModel(t, sigma, this.shape);
    return this.model;
  }

  private parameters(): [Float64Array, Float64Array] {
    if (this._t === null || this._sigma === null) throw invalidArgument('IVectorMachine: set T and sigma, or fit, first');
    return [this._t, this._sigma];
  }

  private checkStats(stats: GMMStats[]): void {
    if (!Array.isArray(stats) || !stats.every((s) => s instanceof GMMStats)) throw invalidArgument('IVectorMachine: expected an array of GMMStats');
    const [c, d] = this.ubm.shape;
    stats.forEach((s, i) => {
      if (s.nGaussians !== c || s.nFeatures !== d) throw invalidArgument(`IVectorMachine: statistics ${i} are [${s.shape}]; the UBM is [${c}, ${d}]`);
      if (s.secondOrder !== 'diagonal') throw invalidArgument(`IVectorMachine: statistics ${i} hold ${s.secondOrder} second moments; i-vectors take diagonal ones`);
    });
  }
}

function finiteArray(values: ArrayLike<number> | unknown[], length: number, name: string, shape: string): Float64Array {
  const flat = Float64Array.from(Array.isArray(values) ? (values.flat(2) as number[]) : Array.from(values as ArrayLike<number>));
  if (flat.length !== length) throw invalidArgument(`IVectorMachine: ${name} must have shape ${shape} (${length} values); got ${flat.length}`);
  const bad = flat.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw invalidArgument(`IVectorMachine: ${name} holds ${flat[bad]} at ${bad}`);
  return flat;
}
