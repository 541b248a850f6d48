/**
 * tfjs-em isv | jfa  train | enrol | score: bob.learn.em's ISV and JFA over per-session
 * statistics files (tfjs-em stats under the UBM) grouped by speaker.
 */
import path from 'node:path';
import { writeArrayFile } from '../io/data/write.js';
import { readEnrolledFile, writeEnrolledFile } from '../io/index.js';
import { ISVMachine } from '../machines/factorAnalysis/ISVMachine.js';
import { JFAMachine, type JFAModel } from '../machines/factorAnalysis/JFAMachine.js';
import type { GMMMachine } from '../machines/GMMMachine.js';
import type { GMMStats } from '../machines/GMMStats.js';
import type { Args } from './args.js';
import type { Command, Context } from './command.js';
import { CliError, about } from './errors.js';
import { assertInputFile, assertOutputFile, isDirectory, loadGMM } from './files.js';
import type { Result } from './format.js';
import { bySpeaker, speakerFiles } from './speakerFiles.js';
import { trainOnLists } from './cluster.js';
import { REMOTE_OPTIONS, remoteOptions, remoteUsage } from './redisOptions.js';
import { h5Files, loadStatsOf } from './statsFiles.js';

type Kind = 'isv' | 'jfa';
type Machine = ISVMachine | JFAMachine;

const isCount = (v: number) => Number.isInteger(v) && v >= 0;
const WHOLE = 'a whole number >= 0';

const usage = (kind: Kind) => {
  const jfa = kind === 'jfa';
  const name = jfa ? 'JFAMachine' : 'ISVMachine';
  return `Usage: tfjs-em ${kind} train --ubm ubm.h5 (--stats S [S...] | --list L) --u-rank R${jfa ? ' --v-rank R' : ''} --out ${kind}.h5
       tfjs-em ${kind} enrol --model ${kind}.h5 (--stats S [S...] | --list L) --out DIR
       tfjs-em ${kind} score --model ${kind}.h5 --enrolled E [E...] --stats S [S...] [--out scores.npy]

bob.learn.em's ${name} over one statistics file per session (tfjs-em stats under the UBM).
Speakers come from list files (lines "speaker path", paths relative to the list) or from folder
names (a file's folder; a folder given stands for its .h5 files and those of its sub-folders).
train: ${jfa ? 'V, then U, then D' : 'U'} by EM (docs/factor-analysis.md); writes the machine with its UBM (docs/hdf5.md).
enrol: one file per speaker in DIR (DIR/<speaker>.h5: ${jfa ? 'y and z' : 'z'}, bob 2.x's layout).
score: every enrolled speaker against every probe (one statistics file each), one row per pair.

  --ubm FILE           train: the UBM the statistics were accumulated under (diagonal)
  --model FILE         enrol, score: a trained ${kind} file
  --stats S [S...]     statistics files or folders (train, enrol: grouped by speaker; score: probes)
  --list L [L...]      train, enrol: list files of "speaker path" lines
  --enrolled E [E...]  score: enrolled speakers' files, or folders of them
  --u-rank R           train: rank of U, the session subspace${jfa ? '\n  --v-rank R           train: rank of V, the speaker subspace' : ''}
  --steps N            train: EM steps${jfa ? ' per matrix' : ''} (default 10)
  --enrol-steps N      train: rounds of enrolment kept in the file (default 1)
  --relevance F        train: relevance factor of D's start (default 4)
  --seed S             train: seed of ${jfa ? 'U and V' : "U's"} start (default 0)
  --out PATH           train: the machine (HDF5); enrol: a folder; score: the matrix (.npy or .csv)
${remoteUsage("train: run the e-steps on tfjs-em workers, one job per --list file (a speaker's sessions in one list)")}`;
};

const command = (kind: Kind): Command => ({
  name: kind,
  summary: kind === 'isv' ? 'ISV: train inter-session variability, enrol speakers, score probes' : 'JFA: train joint factor analysis, enrol speakers, score probes',
  usage: usage(kind),
  options: {
    ubm: 'value', model: 'value', stats: 'values', list: 'values', enrolled: 'values', 'u-rank': 'value', ...(kind === 'jfa' ? { 'v-rank': 'value' } : {}),
    steps: 'value', 'enrol-steps': 'value', relevance: 'value', seed: 'value', out: 'value', ...REMOTE_OPTIONS,
  },
  positionals: 1,
  run: (args, context) => run(kind, args, context),
});

export const isv = command('isv');
export const jfa = command('jfa');

async function run(kind: Kind, args: Args, context: Context): Promise<Result> {
  const action = args.positionals[0];
  if (action === 'train') return train(kind, args, context);
  if (action === 'enrol' || action === 'enroll') return enrol(kind, args, context);
  if (action === 'score') return score(kind, args);
  throw new CliError(kind, `${action === undefined ? 'name the action' : `unknown action '${action}'`}: train, enrol or score (see tfjs-em ${kind} --help)`);
}

/** The speakers' statistics: files in speaker order, their statistics and ids. */
async function speakerStats(args: Args, ubm: GMMMachine, ubmFile: string, context: Context) {
  const groups = bySpeaker(await speakerFiles(args.list('list') ?? [], args.list('stats') ?? []));
  const ids = [...groups.keys()];
  const files = ids.flatMap((id) => groups.get(id)!);
  const stats = await loadStatsOf(files, ubm, ubmFile, context.signal);
  return { ids, files, stats, speakerIds: ids.flatMap((id) => groups.get(id)!.map(() => id)), groups };
}

async function train(kind: Kind, args: Args, context: Context): Promise<Result> {
  const out = args.requiredString('out');
  const ubmFile = args.requiredString('ubm');
  const rU = args.positiveInteger('u-rank');
  if (rU === undefined) throw new CliError('--u-rank', 'required: the rank of U');
  const rV = kind === 'jfa' ? args.positiveInteger('v-rank') : 0;
  if (rV === undefined) throw new CliError('--v-rank', 'required: the rank of V');
  const remote = remoteOptions(args, context, undefined);
  const options = {
    rU, emIterations: args.number('steps', isCount, WHOLE) ?? 10, enrollIterations: args.number('enrol-steps', isCount, WHOLE) ?? 1,
    relevanceFactor: args.positiveNumber('relevance') ?? 4, randomState: args.integer('seed') ?? 0,
  };
  const ubm = await loadGMM(ubmFile);
  const machine = kind === 'jfa' ? new JFAMachine(ubm, { ...options, rV }) : new ISVMachine(ubm, options);
  const say = (step: number, phase: string) => context.progress.info(`${kind.toUpperCase()} EM: ${phase} step ${step}/${machine.emIterations}`);
  let counts: { speakers: number; sessions: number };
  if (remote === null) {
    const { ids, files, stats, speakerIds } = await speakerStats(args, ubm, ubmFile, context);
    assertOutputFile(out, [ubmFile, ...files]);
    if (machine instanceof JFAMachine) machine.fit(stats, speakerIds, { onStep: say });
    else machine.fit(stats, speakerIds, { onStep: (step) => say(step, 'U') });
    counts = { speakers: ids.length, sessions: stats.length };
  } else {
    const { fitOnCluster } = await import('../distributed/factorAnalysis.js');
    const inputs = { out, inputs: [ubmFile], what: 'the speakers' };
    counts = await trainOnLists(args, remote, context, inputs, (cluster, lists) => fitOnCluster(machine, cluster, lists, say));
  }
  context.signal.throwIfAborted();
  await about(out, () => machine.save(out));
  ubm.dispose();
  context.progress.info(`wrote ${out}`);
  const json = { out, ...counts, gaussians: ubm.nGaussians, features: ubm.nFeatures, uRank: rU, ...(kind === 'jfa' ? { vRank: rV } : {}), steps: machine.emIterations };
  return { json, columns: Object.keys(json), rows: [Object.values(json)], vertical: true };
}

async function load(kind: Kind, file: string): Promise<Machine> {
  assertInputFile(file);
  return about<Machine>(file, () => (kind === 'jfa' ? JFAMachine.fromHDF5(file) : ISVMachine.fromHDF5(file)));
}

const SAFE_ID = /^(?!\.\.?$)[\w.-]+$/;

async function enrol(kind: Kind, args: Args, context: Context): Promise<Result> {
  const dir = args.requiredString('out');
  if (!isDirectory(dir)) throw new CliError(dir, 'is not a folder: enrol writes one file per speaker into an existing folder');
  const modelFile = args.requiredString('model');
  const machine = await load(kind, modelFile);
  const { ids, groups, stats, files } = await speakerStats(args, machine.ubm, modelFile, context);
  const unsafe = ids.find((id) => !SAFE_ID.test(id));
  if (unsafe !== undefined) throw new CliError(unsafe, 'is not a file name: speaker ids of enrol are letters, digits, _, - and .');
  const targets = ids.map((id) => path.join(dir, `${id}.h5`));
  for (const target of targets) assertOutputFile(target, [modelFile, ...files]);
  let at = 0;
  for (const [i, id] of ids.entries()) {
    const own = stats.slice(at, (at += groups.get(id)!.length));
    const record = machine instanceof JFAMachine ? machine.enroll(own) : { y: null, z: machine.enroll(own) };
    context.signal.throwIfAborted();
    await about(targets[i], () => writeEnrolledFile(targets[i], record));
  }
  machine.dispose();
  context.progress.info(`enrolled ${ids.length} speaker(s) into ${dir}`);
  const json = { model: modelFile, out: dir, speakers: ids, files: targets };
  return { json, columns: ['speaker', 'file'], rows: ids.map((id, i) => [id, targets[i]]) };
}

async function score(kind: Kind, args: Args): Promise<Result> {
  const modelFile = args.requiredString('model');
  const enrolledFiles = h5Files(args.requiredList('enrolled'));
  const probeFiles = h5Files(args.requiredList('stats'));
  const out = args.string('out');
  if (out !== undefined) assertOutputFile(out, [modelFile, ...enrolledFiles, ...probeFiles]);
  const machine = await load(kind, modelFile);
  const cd = machine.supervectorLength;
  const models: (JFAModel | Float64Array)[] = [];
  for (const file of enrolledFiles) {
    assertInputFile(file);
    const r = await about(file, () => readEnrolledFile(file, kind === 'jfa' ? 'JFAModel' : 'ISVModel', cd, machine instanceof JFAMachine ? machine.rV : 0));
    models.push(r.y === null ? r.z : { y: r.y, z: r.z });
  }
  const probes: GMMStats[] = await loadStatsOf(probeFiles, machine.ubm, modelFile);
  const data = new Float64Array(models.length * probes.length);
  models.forEach((m, i) => probes.forEach((p, j) => {
    data[i * probes.length + j] = machine instanceof JFAMachine ? machine.score(m as JFAModel, [p]) : machine.score(m as Float64Array, [p]);
  }));
  machine.dispose();
  if (out !== undefined) await about(out, () => writeArrayFile(out, { data, shape: [models.length, probes.length] }));
  const rows = enrolledFiles.flatMap((m, i) => probeFiles.map((p, j) => [m, p, data[i * probeFiles.length + j]]));
  const json = { model: modelFile, enrolled: enrolledFiles, probes: probeFiles, scores: Array.from(data), ...(out === undefined ? {} : { out }) };
  return { json, columns: ['enrolled', 'probe', 'score'], rows };
}
