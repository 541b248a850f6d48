/**
 * tfjs-em ivector train | extract: total-variability training over per-utterance statistics
 * files (tfjs-em stats under the UBM), and i-vector extraction.
 */
import path from 'node:path';
import { writeArrayFile } from '../io/data/write.js';
import { readPathList } from '../io/speakerList.js';
import type { GMMStats } from '../machines/GMMStats.js';
import { IVectorMachine } from '../machines/IVectorMachine.js';
import type { GMMMachine } from '../machines/GMMMachine.js';
import type { Args } from './args.js';
import type { Command, Context } from './command.js';
import { CliError, about } from './errors.js';
import { assertInputFile, assertOutputFile, loadGMM } from './files.js';
import { h5Files, loadStatsOf } from './statsFiles.js';
import { trainOnLists } from './cluster.js';
import { REMOTE_OPTIONS, remoteOptions, remoteUsage } from './redisOptions.js';
import type { Result } from './format.js';

export const ivector: Command = {
  name: 'ivector',
  summary: 'i-vectors: train a total-variability model on statistics files, or extract i-vectors',
  usage: `Usage: tfjs-em ivector train --ubm ubm.h5 --stats S [S...] --dim R --out tv.h5 [--steps N] [--seed S]
       tfjs-em ivector train --redis URL --ubm ubm.h5 --list L [L...] --dim R --out tv.h5 [...]
       tfjs-em ivector extract --model tv.h5 --stats S [S...] --out ivectors.npy

train: bob.learn.em's IVectorMachine EM over one statistics file per utterance (tfjs-em stats of
the utterance under the UBM), from a seeded normal T and the UBM's variances; writes T, Sigma and
the UBM (docs/hdf5.md). extract: each utterance's i-vector, one row each, in the order of the
files (folders: their .h5 files by name), as .npy or .csv (float64).

  --ubm FILE           train: the UBM the statistics were accumulated under (diagonal)
  --model FILE         extract: an i-vector model (ivector train's output)
  --stats S [S...]     GMMStats files (bob's layout), or folders of them
  --dim R              train: the i-vectors' dimension
  --out FILE           train: the model (HDF5); extract: the i-vectors (.npy or .csv)
  --steps N            train: EM steps (default 25, bob's)
  --seed S             train: seed of T's start (default 0)
  --variance-floor V   train: smallest value of Sigma (default 1e-10)
  --fixed-sigma        train: keep Sigma at the UBM's variances (bob's update_sigma=False)
  --list L [L...]      train: list files of statistics files (one path per line, relative to
                       the list); with --redis, one shard each
${remoteUsage('train: run the e-steps on tfjs-em workers, one job per --list file')}`,
  options: {
    ubm: 'value', model: 'value', stats: 'values', list: 'values', dim: 'value', out: 'value', steps: 'value', seed: 'value', 'variance-floor': 'value', 'fixed-sigma': 'flag',
    ...REMOTE_OPTIONS,
  },
  positionals: 1,
  run,
};

async function run(args: Args, context: Context): Promise<Result> {
  const action = args.positionals[0];
  if (action === 'train') return train(args, context);
  if (action === 'extract') return extract(args, context);
  throw new CliError('ivector', `${action === undefined ? 'name the action' : `unknown action '${action}'`}: train or extract (see tfjs-em ivector --help)`);
}

async function train(args: Args, context: Context): Promise<Result> {
  const out = args.requiredString('out');
  const ubmFile = args.requiredString('ubm');
  const dimT = args.positiveInteger('dim');
  if (dimT === undefined) throw new CliError('--dim', 'required: the dimension of the i-vectors');
  const remote = remoteOptions(args, context, undefined);
  const ubm = await loadGMM(ubmFile);
  const machine = new IVectorMachine(ubm, {
    dimT,
    maxIterations: args.integer('steps') ?? 25,
    randomState: args.integer('seed') ?? 0,
    varianceFloor: args.nonNegative('variance-floor') ?? 1e-10,
    updateSigma: !args.flag('fixed-sigma'),
  });
  const onStep = (step: number) => context.progress.info(`i-vector EM step ${step}/${machine.maxIterations}`);
  let utterances: number;
  if (remote === null) {
    const lists = args.list('list') ?? [];
    const files = [...(await Promise.all(lists.map((l) => about(l, async () => readPathList(path.resolve(l)))))).flat(), ...h5Files(args.list('stats') ?? [])];
    if (files.length === 0) throw new CliError('--stats', 'required: statistics files or folders (or --list files)');
    assertOutputFile(out, [ubmFile, ...files]);
    const stats = await loadStats(files, ubm, ubmFile, context);
    machine.fit(stats, { onStep });
    utterances = stats.length;
  } else {
    const { fitIVectorOnCluster } = await import('../distributed/ivector.js');
    const inputs = { out, inputs: [ubmFile], what: 'the statistics files (one path per line)' };
    ({ utterances } = await trainOnLists(args, remote, context, inputs, (cluster, lists) => fitIVectorOnCluster(machine, cluster, lists, onStep)));
  }
  context.signal.throwIfAborted();
  await about(out, () => machine.save(out));
  ubm.dispose();
  context.progress.info(`wrote ${out}`);
  const json = { out, utterances, gaussians: ubm.nGaussians, features: ubm.nFeatures, dimT, steps: machine.maxIterations };
  return { json, columns: Object.keys(json), rows: [Object.values(json)], vertical: true };
}

async function extract(args: Args, context: Context): Promise<Result> {
  const out = args.requiredString('out');
  const modelFile = args.requiredString('model');
  const files = h5Files(args.requiredList('stats'));
  assertOutputFile(out, [modelFile, ...files]);
  assertInputFile(modelFile);
  const machine = await about(modelFile, () => IVectorMachine.fromHDF5(modelFile));
  const stats = await loadStats(files, machine.ubm, modelFile, context);
  const vectors = machine.transform(stats);
  machine.dispose();
  const data = new Float64Array(vectors.length * machine.dimT);
  vectors.forEach((v, i) => data.set(v, i * machine.dimT));
  await about(out, () => writeArrayFile(out, { data, shape: [vectors.length, machine.dimT] }));
  context.progress.info(`wrote ${out}`);
  const json = { out, utterances: vectors.length, dimT: machine.dimT };
  return { json, columns: Object.keys(json), rows: [Object.values(json)], vertical: true };
}

/** Each file's statistics under the UBM, with diagonal second moments. */
async function loadStats(files: string[], ubm: GMMMachine, ubmFile: string, context: Context): Promise<GMMStats[]> {
  const stats = await loadStatsOf(files, ubm, ubmFile, context.signal);
  const other = stats.findIndex((s) => s.secondOrder !== 'diagonal');
  if (other >= 0) throw new CliError(files[other], `holds ${stats[other].secondOrder} second moments; i-vectors take a diagonal UBM's statistics`);
  return stats;
}
