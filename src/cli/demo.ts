/**
 * tfjs-em demo: a synthetic speaker-verification task end to end, with no input files:
 * UBM (k-means + ML), MAP adaptation of each speaker's means, LLR scoring of genuine and
 * impostor trials, the EER, a DET chart (SVG) and the models (HDF5) in --out.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { GMMMachine } from '../machines/GMMMachine.js';
import { KMeansMachine } from '../machines/KMeansMachine.js';
import type { HostArray2D } from '../data/matrix.js';
import type { Args } from './args.js';
import type { Command, Context } from './command.js';
import { assertOutputFolder, writeFolder } from './files.js';
import type { Result } from './format.js';
import { detChartSvg } from './detChart.js';
import { makeTask, type Task, type TaskSize } from './demoTask.js';
import { fitWithProgress } from './training.js';
import { ivectorTrials } from './demoIvector.js';
import { isvTrials } from './demoIsv.js';
import { taskStats } from './demoStats.js';
import { detCurve, equalErrorRate } from '../math/det.js';

export const demo: Command = {
  name: 'demo',
  summary: 'synthetic speaker verification end to end: UBM, MAP, scoring, EER, DET charts (GMM-UBM, i-vectors, ISV)',
  usage: `Usage: tfjs-em demo [--out folder] [options]

Builds a synthetic speaker-verification task (MFCC-like 20-dimensional frames drawn
from speaker-specific GMMs around a shared background), trains a UBM (k-means + ML),
MAP-adapts each speaker's means (relevance factor 4), scores every test utterance
against every speaker (log-likelihood ratio to the UBM), and prints the equal error
rate; then the same trials with i-vectors (a total-variability model of rank 50 on the
world sessions' statistics, WCCN, cosine scoring) and with ISV (a session subspace of rank
20 on the world sessions grouped by speaker, linear scoring), and their equal error rates.
Writes ubm.h5, speakers/*.h5, scores.csv, det.svg, ivector-scores.csv, ivector-det.svg,
isv-scores.csv and isv-det.svg into --out.

  --out FOLDER         where to write (default ./demo-output)
  --speakers N         enrolled speakers (default 20)
  --gaussians K        UBM size (default 64)
  --seed S             seed of the task and of k-means (default 0)
  --backend NAME       cpu, wasm, webgl, webgpu, tensorflow or auto (default: $TFJS_EM_BACKEND, else auto)`,
  options: { out: 'value', speakers: 'value', gaussians: 'value', seed: 'value', backend: 'value' },
  run,
};

const UBM_STEPS = 25;
const VARIANCE_FLOOR = 1e-4;
/** One MAP iteration, as in Reynolds et al. (2000). */
const MAP_STEPS = 1;

function taskSize(speakers: number): TaskSize {
  return { speakers, worldSpeakers: Math.max(2 * speakers, 40), worldFrames: 500, worldSessions: 5, enrolFrames: 1500, testsPerSpeaker: 5, testFrames: 100, features: 20, components: 32 };
}

interface Trial {
  model: string;
  test: string;
  genuine: boolean;
  llr: number;
}

async function run(args: Args, context: Context): Promise<Result> {
  const out = args.string('out') ?? 'demo-output';
  const size = taskSize(args.positiveInteger('speakers') ?? 20);
  const gaussians = args.positiveInteger('gaussians') ?? 64;
  const seed = args.integer('seed') ?? 0;
  assertOutputFolder(out);
  const backend = await context.backend();
  const say = (line: string) => context.progress.info(line);
  say(`demo: backend ${backend}; ${size.speakers} speakers, ${size.features}-dimensional frames, UBM of ${gaussians} Gaussians`);
  const started = performance.now();
  const task = makeTask(size, seed);
  const result = await writeFolder(out, async (dir) => {
    const ubm = await trainUbm(task.world, gaussians, seed, context);
    const models = await adaptSpeakers(task, ubm, context);
    const trials = await scoreTrials(task, ubm, models);
    await saveModels(dir, ubm, models, task);
    const gmm = writeReport(dir, '', trials.map((t) => ({ ...t, score: t.llr })), 'llr', `DET: GMM-UBM, synthetic speaker verification (${backend})`);
    const stats = await taskStats(task, ubm);
    const ivector = ivectorTrials(task, stats, ubm, seed, context);
    const iv = writeReport(dir, 'ivector-', ivector.trials, 'cosine', `DET: i-vectors (rank ${ivector.rank}) + WCCN, cosine (${backend})`);
    const isv = isvTrials(task, stats, ubm, seed, context);
    const is = writeReport(dir, 'isv-', isv.trials, 'linear', `DET: ISV (U of rank ${isv.rank}), linear scoring (${backend})`);
    return { ...gmm, ivectorRank: ivector.rank, ivectorEerPercent: iv.eerPercent, isvRank: isv.rank, isvEerPercent: is.eerPercent };
  });
  say(`EER: GMM-UBM ${result.eerPercent.toFixed(2)} %, i-vectors ${result.ivectorEerPercent.toFixed(2)} %, ISV ${result.isvEerPercent.toFixed(2)} %`);
  const seconds = (performance.now() - started) / 1000;
  say(`wrote ${out}`);
  const json = { backend, speakers: size.speakers, gaussians, features: size.features, ...result, seconds: +seconds.toFixed(1), out };
  return { json, columns: Object.keys(json), rows: [Object.values(json)], vertical: true };
}

async function trainUbm(world: HostArray2D, gaussians: number, seed: number, context: Context): Promise<GMMMachine> {
  const ubm = new GMMMachine(gaussians, {
    trainer: 'ml',
    maxFittingSteps: UBM_STEPS,
    convergenceThreshold: 1e-5,
    updateVariances: true,
    updateWeights: true,
    kMeansTrainer: new KMeansMachine(gaussians, { randomState: seed }),
  });
  // A variance floor, as speaker-recognition recipes use, keeps a Gaussian that owns few frames from collapsing onto them.
  ubm.varianceThresholds = VARIANCE_FLOOR;
  const start = performance.now();
  context.progress.info(`UBM: k-means on ${world.shape[0]} frames...`);
  await ubm.initializeGaussians(world);
  context.progress.info(`UBM: k-means done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  await fitWithProgress(ubm, world, 'world', 'UBM EM', context);
  return ubm;
}

async function adaptSpeakers(task: Task, ubm: GMMMachine, context: Context): Promise<GMMMachine[]> {
  const start = performance.now();
  const models: GMMMachine[] = [];
  for (const speaker of task.speakers) {
    context.signal.throwIfAborted();
    const model = new GMMMachine(ubm.nGaussians, { trainer: 'map', ubm, mapRelevanceFactor: 4, maxFittingSteps: MAP_STEPS, updateMeans: true });
    await model.fit(speaker.enrol, { signal: context.signal });
    models.push(model);
  }
  context.progress.info(`MAP: ${models.length} speakers adapted in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return models;
}

/** Every test utterance against every model: LLR = average log-likelihood under the model minus under the UBM. */
async function scoreTrials(task: Task, ubm: GMMMachine, models: GMMMachine[]): Promise<Trial[]> {
  const tests = task.speakers.flatMap((s) => s.tests.map((data, i) => ({ speaker: s.id, name: `${s.id}-test${i + 1}`, data })));
  const background = [];
  for (const t of tests) background.push(await ubm.score(t.data));
  const trials: Trial[] = [];
  for (const [m, model] of models.entries()) {
    const id = task.speakers[m].id;
    for (const [i, t] of tests.entries()) {
      trials.push({ model: id, test: t.name, genuine: t.speaker === id, llr: (await model.score(t.data)) - background[i] });
    }
    model.dispose();
  }
  return trials;
}

async function saveModels(dir: string, ubm: GMMMachine, models: GMMMachine[], task: Task): Promise<void> {
  await ubm.save(path.join(dir, 'ubm.h5'));
  mkdirSync(path.join(dir, 'speakers'));
  for (const [i, model] of models.entries()) await model.save(path.join(dir, 'speakers', `${task.speakers[i].id}.h5`));
}

/** prefix + scores.csv (model, test, genuine, the score as `column`) and prefix + det.svg. */
function writeReport(
  dir: string,
  prefix: string,
  trials: { model: string; test: string; genuine: boolean; score: number }[],
  column: string,
  title: string,
): { genuineTrials: number; impostorTrials: number; eerPercent: number } {
  const genuine = trials.filter((t) => t.genuine).map((t) => t.score);
  const impostor = trials.filter((t) => !t.genuine).map((t) => t.score);
  const curve = detCurve(genuine, impostor);
  const eer = equalErrorRate(curve);
  writeFileSync(path.join(dir, `${prefix}det.svg`), detChartSvg(curve, eer, title));
  const lines = trials.map((t) => `${t.model},${t.test},${t.genuine ? 1 : 0},${t.score}`);
  writeFileSync(path.join(dir, `${prefix}scores.csv`), [`model,test,genuine,${column}`, ...lines].join('\n') + '\n');
  return { genuineTrials: genuine.length, impostorTrials: impostor.length, eerPercent: +(eer * 100).toFixed(2) };
}
