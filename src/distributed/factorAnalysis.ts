/**
 * ISV and JFA training on workers: each shard is a speaker list file (its speakers' sessions,
 * no speaker in two shards); every EM step stores the machine (HDF5 bytes) for its pass, each
 * worker returns its shard's e-step sums (additive across speakers), and the coordinator sums
 * them in shard order and runs the m-step. A worker recomputes what a phase takes from the
 * earlier ones (JFA's y under the trained V, x under the trained U), as the local fit does.
 */
import { TfjsEmError } from '../errors.js';
import type { GMMStats } from '../machines/GMMStats.js';
import { ISVMachine } from '../machines/factorAnalysis/ISVMachine.js';
import { JFAMachine, type JFAPhase } from '../machines/factorAnalysis/JFAMachine.js';
import { type DiagonalAccumulators, type SubspaceAccumulators, addDiagonal, addSubspace } from '../math/factorAnalysis/accumulators.js';
import type { Cluster } from './cluster.js';
import { badPayload, bytesOf, floatsOf } from './codec.js';
import type { ShardJob } from './jobs.js';
import { statsUnder } from './statsFiles.js';
import type { ShardOutput } from './work.js';

const PHASES = ['isv', 'jfa-v', 'jfa-u', 'jfa-d'] as const;
type Phase = (typeof PHASES)[number];

/** The worker's side: the shard's e-step sums of the phase under the pass's machine. */
export async function factorAnalysisStats(job: ShardJob, model: Uint8Array | undefined): Promise<ShardOutput> {
  if (model === undefined) throw badPayload(`the model of run ${job.run}, pass ${job.pass} is not in Redis (the run ended or moved on)`);
  const phase = job.args.phase as Phase;
  if (!PHASES.includes(phase)) throw badPayload(`phase must be one of ${PHASES.join(', ')}`);
  const machine = phase === 'isv' ? await ISVMachine.fromHDF5(model) : await JFAMachine.fromHDF5(model);
  try {
    const sessions = job.sessions ?? [];
    const stats = await statsUnder(sessions.map((s) => s.file), machine.ubm, job.file);
    const ids = sessions.map((s) => s.speaker);
    const acc = machine instanceof ISVMachine ? machine.eStep(stats, ids) : phaseStep(machine, phase, stats, ids);
    const values = 'a1' in acc ? concat(acc.a1, acc.a2) : acc;
    return { result: { speakers: JSON.stringify([...new Set(ids)].sort()), sessions: stats.length }, bytes: bytesOf(values) };
  } finally {
    machine.dispose();
  }
}

function phaseStep(machine: JFAMachine, phase: Phase, stats: GMMStats[], ids: string[]): SubspaceAccumulators | DiagonalAccumulators {
  if (phase === 'jfa-v') return machine.eStepV(stats, ids);
  if (phase === 'jfa-u') return machine.eStepU(stats, ids);
  return machine.eStepD(stats, ids);
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** What a distributed fit reports: speakers and sessions over all shards. */
export interface ClusterFitSummary {
  speakers: number;
  sessions: number;
}

/**
 * The coordinator's side: emIterations EM steps (ISV: U; JFA: V, then U, then D) with the e-steps
 * on the workers, one job per list file. The speakers of two shards must differ.
 */
export async function fitOnCluster(
  machine: ISVMachine | JFAMachine,
  cluster: Cluster,
  lists: string[],
  onStep: (step: number, phase: JFAPhase) => void,
): Promise<ClusterFitSummary> {
  const shards = lists.map((file) => ({ file }));
  const [c, d] = machine.ubm.shape;
  let summary: ClusterFitSummary | null = null;
  const pass = async (phase: Phase): Promise<Float64Array[]> => {
    const answers = await cluster.modelPass('fa-stats', shards, await machine.toBytes(), { phase });
    summary ??= checkedShards(answers.map((a) => a.result), lists);
    return answers.map((a, shard) => {
      if (a.bytes === null) throw new TfjsEmError('CLUSTER', `the sums of shard ${shard} (${lists[shard]}) are missing from Redis`);
      return floatsOf(a.bytes, `the sums of ${lists[shard]}`);
    });
  };
  const subspace = async (phase: Phase, r: number): Promise<SubspaceAccumulators> => {
    const sum: SubspaceAccumulators = { a1: new Float64Array(c * r * r), a2: new Float64Array(c * d * r) };
    for (const v of await pass(phase)) {
      const [a1, a2] = split(v, c * r * r, c * r * (r + d), `the ${phase} sums`);
      addSubspace(sum, { a1, a2 });
    }
    return sum;
  };
  for (let step = 1; step <= machine.emIterations; step++) {
    if (machine instanceof ISVMachine) machine.mStep(await subspace('isv', machine.rU));
    else machine.mStepV(await subspace('jfa-v', machine.rV));
    onStep(step, machine instanceof ISVMachine ? 'U' : 'V');
  }
  if (machine instanceof JFAMachine) {
    for (let step = 1; step <= machine.emIterations; step++) {
      machine.mStepU(await subspace('jfa-u', machine.rU));
      onStep(step, 'U');
    }
    for (let step = 1; step <= machine.emIterations; step++) {
      const sum: DiagonalAccumulators = { a1: new Float64Array(c * d), a2: new Float64Array(c * d) };
      for (const v of await pass('jfa-d')) {
        const [a1, a2] = split(v, c * d, 2 * c * d, 'the jfa-d sums');
        addDiagonal(sum, { a1, a2 });
      }
      machine.mStepD(sum);
      onStep(step, 'D');
    }
  }
  return summary ?? { speakers: 0, sessions: 0 };
}

/** [the first `at` values, the rest] of a shard's sums, which must hold `total` values. */
function split(v: Float64Array, at: number, total: number, what: string): [Float64Array, Float64Array] {
  if (v.length !== total) throw new TfjsEmError('CLUSTER', `${what} came back with ${v.length} values, expected ${total}`);
  return [v.subarray(0, at), v.subarray(at)];
}

/** The shards' speakers and sessions; a speaker in two shards is an error (its sums would be split). */
function checkedShards(results: Record<string, unknown>[], lists: string[]): ClusterFitSummary {
  const owner = new Map<string, number>();
  let sessions = 0;
  results.forEach((r, shard) => {
    sessions += Number(r.sessions);
    for (const id of JSON.parse(String(r.speakers)) as string[]) {
      const other = owner.get(id);
      if (other !== undefined) throw new TfjsEmError('INVALID_DATA', `speaker ${id} is in ${lists[other]} and in ${lists[shard]}: a speaker's sessions must be in one list`);
      owner.set(id, shard);
    }
  });
  return { speakers: owner.size, sessions };
}
