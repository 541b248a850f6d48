/** The demo task's GMM statistics under the UBM, accumulated once for the back-ends that score on them. */
import type { GMMMachine } from '../machines/GMMMachine.js';
import type { GMMStats } from '../machines/GMMStats.js';
import type { Task } from './demoTask.js';

export interface TaskStats {
  /** One per world session, with its speaker. */
  world: { speaker: number; stats: GMMStats }[];
  /** One per enrolled speaker (its enrolment data). */
  enrol: GMMStats[];
  /** Every test utterance, with its speaker and name. */
  tests: { speaker: string; name: string; stats: GMMStats }[];
}

export async function taskStats(task: Task, ubm: GMMMachine): Promise<TaskStats> {
  const world = [];
  for (const u of task.worldUtterances) world.push({ speaker: u.speaker, stats: await ubm.accStats(u.data) });
  const enrol = [];
  for (const s of task.speakers) enrol.push(await ubm.accStats(s.enrol));
  const tests = [];
  for (const s of task.speakers) for (const [i, data] of s.tests.entries()) tests.push({ speaker: s.id, name: `${s.id}-test${i + 1}`, stats: await ubm.accStats(data) });
  return { world, enrol, tests };
}

/** A trial of a back-end: an enrolled speaker against a test, and its score. */
export interface BackEndTrial {
  model: string;
  test: string;
  genuine: boolean;
  score: number;
}
