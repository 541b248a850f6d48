/**
 * The demo's ISV back-end: U trained on the world sessions' GMM statistics grouped by speaker,
 * each speaker enrolled to its z, each test scored by linear scoring against m + D z with the
 * test's own session offset U x taken out (bob's ISV score).
 */
import { ISVMachine } from '../machines/factorAnalysis/ISVMachine.js';
import type { GMMMachine } from '../machines/GMMMachine.js';
import type { Context } from './command.js';
import type { Task } from './demoTask.js';
import type { BackEndTrial, TaskStats } from './demoStats.js';

/** The session subspace's rank (bob's ISV recipes use 50 to 200 on real data; the task's sessions vary along few directions). */
const RANK = 20;
const ISV_STEPS = 10;

export function isvTrials(task: Task, stats: TaskStats, ubm: GMMMachine, seed: number, context: Context): { trials: BackEndTrial[]; rank: number } {
  const start = performance.now();
  const machine = new ISVMachine(ubm, { rU: RANK, emIterations: ISV_STEPS, randomState: seed });
  machine.fit(stats.world.map((w) => w.stats), stats.world.map((w) => w.speaker), {
    onStep: (step) => context.progress.info(`ISV: U-matrix EM step ${step}/${ISV_STEPS}`),
  });
  const trials: BackEndTrial[] = [];
  for (const [i, s] of task.speakers.entries()) {
    context.signal.throwIfAborted();
    const z = machine.enroll([stats.enrol[i]]);
    for (const t of stats.tests) trials.push({ model: s.id, test: t.name, genuine: t.speaker === s.id, score: machine.score(z, [t.stats]) });
  }
  context.progress.info(`ISV: rank ${RANK}, ${stats.world.length} world sessions, scored in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return { trials, rank: RANK };
}
