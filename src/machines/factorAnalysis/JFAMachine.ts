/**
 * JFAMachine (bob.learn.em's): joint factor analysis on a UBM. A speaker is m + V y + D z, each
 * of its sessions offset by U x; fit trains, in bob's order, V (emIterations EM steps), then U
 * given each speaker's y, then D given every x and y; enroll gives a speaker's y and z; score
 * linearly scores a probe against m + V y + D z, the probe's U x taken out.
 */
import { type DiagonalAccumulators, type SubspaceAccumulators, updateDiagonal, updateSubspace } from '../../math/factorAnalysis/accumulators.js';
import type { FactorAnalysisRecord, Source } from '../../io/index.js';
import type { FactorModel } from '../../math/factorAnalysis/model.js';
import { times } from '../../math/factorAnalysis/model.js';
import { jfaDStep, jfaEnroll, jfaSessionX, jfaSpeakerY, jfaUStep, jfaVStep } from '../../math/factorAnalysis/steps.js';
import type { GMMMachine } from '../GMMMachine.js';
import type { GMMStats } from '../GMMStats.js';
import { FactorAnalysisBase, type FactorAnalysisOptions, type SpeakerIds, checkRank, finiteArray } from './FactorAnalysisBase.js';

export interface JFAMachineOptions extends FactorAnalysisOptions {
  /** Rank of V, the speaker subspace (required). */
  rV: number;
}

/** An enrolled speaker: y [rV] and z [C*D]. */
export interface JFAModel {
  y: Float64Array;
  z: Float64Array;
}

export type JFAPhase = 'V' | 'U' | 'D';

export class JFAMachine extends FactorAnalysisBase {
  readonly rV: number;
  private _v: Float64Array;

  constructor(ubm: GMMMachine, options: JFAMachineOptions) {
    super('JFAMachine', ubm, options, ['rV']);
    checkRank('JFAMachine', 'rV', options.rV);
    this.rV = options.rV;
    ({ u: this._u, v: this._v } = this.drawStart(this.rV));
  }

  /** V, [C*D, rV] row-major. */
  get V(): Float64Array {
    return this._v.slice();
  }

  set V(values: ArrayLike<number> | number[][]) {
    this._v = finiteArray(this.name, values, this.supervectorLength * this.rV, 'V', `[${this.supervectorLength}, ${this.rV}]`);
  }

  protected override subspaces(): Float64Array[] {
    return [this._u, this._v];
  }

  protected override model(): FactorModel {
    return { ...super.model(), v: this._v, rV: this.rV };
  }

  /** emIterations EM steps on V, then on U, then on D, each from its current value. */
  fit(stats: GMMStats[], speakerIds: SpeakerIds, options: { onStep?: (step: number, phase: JFAPhase) => void } = {}): this {
    const speakers = this.speakers(stats, speakerIds);
    return this.withProducts(() => {
      for (let step = 1; step <= this.emIterations; step++) {
        this.mStepV(jfaVStep(this.model(), speakers));
        options.onStep?.(step, 'V');
      }
      const ys = jfaSpeakerY(this.model(), speakers);
      for (let step = 1; step <= this.emIterations; step++) {
        this.mStepU(jfaUStep(this.model(), speakers, ys));
        options.onStep?.(step, 'U');
      }
      const xs = jfaSessionX(this.model(), speakers, ys);
      for (let step = 1; step <= this.emIterations; step++) {
        this.mStepD(jfaDStep(this.model(), speakers, xs, ys));
        options.onStep?.(step, 'D');
      }
      return this;
    });
  }

  /**
   * The e-step sums of one phase over these statistics' speakers, additive across shards of
   * speakers (addSubspace, addDiagonal): V's; U's, with each speaker's y under the current V;
   * D's, with y and every session's x under the current V and U (as fit's phases take them).
   */
  eStepV(stats: GMMStats[], speakerIds: SpeakerIds): SubspaceAccumulators {
    const speakers = this.speakers(stats, speakerIds);
    return this.withProducts(() => jfaVStep(this.model(), speakers));
  }

  eStepU(stats: GMMStats[], speakerIds: SpeakerIds): SubspaceAccumulators {
    const speakers = this.speakers(stats, speakerIds);
    return this.withProducts(() => jfaUStep(this.model(), speakers, jfaSpeakerY(this.model(), speakers)));
  }

  eStepD(stats: GMMStats[], speakerIds: SpeakerIds): DiagonalAccumulators {
    const speakers = this.speakers(stats, speakerIds);
    return this.withProducts(() => {
      const ys = jfaSpeakerY(this.model(), speakers);
      return jfaDStep(this.model(), speakers, jfaSessionX(this.model(), speakers, ys), ys);
    });
  }

  mStepV(acc: SubspaceAccumulators): void {
    this._v = updateSubspace(acc, this.ubm.nGaussians, this.ubm.nFeatures, this.rV);
  }

  mStepU(acc: SubspaceAccumulators): void {
    this._u = updateSubspace(acc, this.ubm.nGaussians, this.ubm.nFeatures, this.rU);
  }

  mStepD(acc: DiagonalAccumulators): void {
    this._d = updateDiagonal(acc, this._d);
  }

  override toRecord(): FactorAnalysisRecord {
    return { ...super.toRecord(), rV: this.rV, v: this.V };
  }

  /** Reads a JFA file (see ISVMachine.fromHDF5). */
  static async fromHDF5(source: Source, ubm?: GMMMachine): Promise<JFAMachine> {
    const { record, ubm: model, ownsUbm } = await FactorAnalysisBase.read(source, 'JFAMachine', ubm);
    const machine = new JFAMachine(model, { ...FactorAnalysisBase.optionsOf(record), rV: record.rV });
    [machine.U, machine.V, machine.D, machine.ownsUbm] = [record.u, record.v!, record.d, ownsUbm];
    return machine;
  }

  /** A speaker's y and z from its enrolment statistics. */
  enroll(stats: GMMStats[]): JFAModel {
    const speaker = this.speaker(stats, 'enroll');
    return this.withProducts(() => jfaEnroll(this.model(), speaker, this.enrollIterations));
  }

  /** The score of a probe (its statistics, summed) against an enrolled speaker. */
  score(model: JFAModel, stats: GMMStats[]): number {
    if (model === null || typeof model !== 'object') throw new TypeError('JFAMachine.score: the model must be { y, z }');
    const y = this.latent(model.y, 'y', this.rV);
    const z = this.latent(model.z, 'z', this.supervectorLength);
    const vy = times(this._v, y, this.rV);
    return this.scoreAgainst(this.ubm.means.map((m, i) => m + vy[i] + this._d[i] * z[i]), stats);
  }
}

