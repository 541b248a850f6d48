/**
 * The demo's i-vector back-end: a total-variability model trained on the world sessions' GMM
 * statistics, WCCN learnt on the world i-vectors with their speakers, and the cosine between an
 * enrolled speaker's and a test's projected i-vectors as the score.
 */
import { IVectorMachine } from '../machines/IVectorMachine.js';
import { WCCN } from '../machines/linear/WCCN.js';
import type { GMMMachine } from '../machines/GMMMachine.js';
import type { GMMStats } from '../machines/GMMStats.js';
import type { Context } from './command.js';
import type { Task } from './demoTask.js';
import type { BackEndTrial, TaskStats } from './demoStats.js';

/** The i-vectors' dimension, as speaker-recognition recipes use (capped by what WCCN can invert on the world sessions). */
const RANK = 50;
const IVECTOR_STEPS = 10;

export function ivectorTrials(task: Task, stats: TaskStats, ubm: GMMMachine, seed: number, context: Context): { trials: BackEndTrial[]; rank: number } {
  const start = performance.now();
  const world = stats.world.map((w) => w.stats);
  const speakers = new Set(stats.world.map((w) => w.speaker)).size;
  const rank = Math.min(RANK, world.length - speakers - 1);
  const machine = new IVectorMachine(ubm, { dimT: rank, maxIterations: IVECTOR_STEPS, randomState: seed });
  machine.fit(world, { onStep: (step) => context.progress.info(`i-vector: T-matrix EM step ${step}/${IVECTOR_STEPS}`) });
  const asRows = (vectors: Float64Array[]) => ({ data: Float64Array.from(vectors.flatMap((v) => Array.from(v))), shape: [vectors.length, rank] as [number, number] });
  // centred on the world i-vectors' mean and length-normalised before WCCN, as i-vector recipes do
  const worldVectors = machine.transform(world);
  const mean = worldVectors.reduce((m, v) => m.map((x, j) => x + v[j] / worldVectors.length), new Float64Array(rank));
  const normalised = (v: Float64Array) => unit(v.map((x, j) => x - mean[j]));
  const wccn = new WCCN().fit(asRows(worldVectors.map(normalised)), stats.world.map((w) => w.speaker));
  const project = (s: GMMStats) => unit(wccn.transform(asRows([normalised(machine.project(s))])).data);
  const tests = stats.tests.map((t) => ({ speaker: t.speaker, name: t.name, v: project(t.stats) }));
  const trials: BackEndTrial[] = [];
  for (const [i, s] of task.speakers.entries()) {
    const model = project(stats.enrol[i]);
    for (const t of tests) trials.push({ model: s.id, test: t.name, genuine: t.speaker === s.id, score: model.reduce((acc, x, j) => acc + x * t.v[j], 0) });
  }
  context.progress.info(`i-vector: rank ${rank}, ${world.length} world sessions, scored in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return { trials, rank };
}

/** v / |v| (the cosine between two such vectors is their dot product). */
function unit(v: Float64Array): Float64Array {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => x / norm);
}
