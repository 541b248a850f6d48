/**
 * ISVMachine (bob.learn.em's): inter-session variability modelling on a UBM. A speaker is
 * m + D z, each of its sessions offset by U x; fit trains U by EM from statistics grouped by
 * speaker (D stays at its start, sqrt(Sigma / relevanceFactor), as bob's); enroll gives a
 * speaker's z; score linearly scores a probe against m + D z, the probe's U x taken out.
 */
import { type SubspaceAccumulators, updateSubspace } from '../../math/factorAnalysis/accumulators.js';
import { isvEnroll, isvEStep } from '../../math/factorAnalysis/steps.js';
import type { Source } from '../../io/index.js';
import type { GMMMachine } from '../GMMMachine.js';
import type { GMMStats } from '../GMMStats.js';
import { FactorAnalysisBase, type FactorAnalysisOptions, type SpeakerIds } from './FactorAnalysisBase.js';

export type ISVMachineOptions = FactorAnalysisOptions;

export class ISVMachine extends FactorAnalysisBase {
  constructor(ubm: GMMMachine, options: ISVMachineOptions) {
    super('ISVMachine', ubm, options, []);
    this._u = this.drawStart(0).u;
  }

  /** emIterations EM steps on U from its current value (bob's start unless set). */
  fit(stats: GMMStats[], speakerIds: SpeakerIds, options: { onStep?: (step: number) => void } = {}): this {
    const speakers = this.speakers(stats, speakerIds);
    return this.withProducts(() => {
      for (let step = 1; step <= this.emIterations; step++) {
        this.mStep(isvEStep(this.model(), speakers));
        options.onStep?.(step);
      }
      return this;
    });
  }

  /** U's sums over the speakers of these statistics (add those of other shards with addSubspace, then mStep). */
  eStep(stats: GMMStats[], speakerIds: SpeakerIds): SubspaceAccumulators {
    const speakers = this.speakers(stats, speakerIds);
    return this.withProducts(() => isvEStep(this.model(), speakers));
  }

  mStep(acc: SubspaceAccumulators): void {
    this._u = updateSubspace(acc, this.ubm.nGaussians, this.ubm.nFeatures, this.rU);
  }

  /**
   * Reads an ISV file; `ubm` for a bob 2.x file that holds none (the UBM is then the caller's,
   * else the machine's own, freed by dispose).
   */
  static async fromHDF5(source: Source, ubm?: GMMMachine): Promise<ISVMachine> {
    const { record, ubm: model, ownsUbm } = await FactorAnalysisBase.read(source, 'ISVMachine', ubm);
    const machine = new ISVMachine(model, FactorAnalysisBase.optionsOf(record));
    [machine.U, machine.D, machine.ownsUbm] = [record.u, record.d, ownsUbm];
    return machine;
  }

  /** A speaker's z [C*D] from its enrolment statistics. */
  enroll(stats: GMMStats[]): Float64Array {
    const speaker = this.speaker(stats, 'enroll');
    return this.withProducts(() => isvEnroll(this.model(), speaker, this.enrollIterations));
  }

  /** The score of a probe (its statistics, summed) against an enrolled z. */
  score(z: ArrayLike<number>, stats: GMMStats[]): number {
    const latent = this.latent(z, 'z', this.supervectorLength);
    return this.scoreAgainst(this.ubm.means.map((m, i) => m + this._d[i] * latent[i]), stats);
  }
}
