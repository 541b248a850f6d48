/**
 * tfjs-em estimate: one m-step from statistics files (the sum of per-shard
 * `tfjs-em stats`), for EM driven by any job scheduler (SLURM arrays, Kubernetes Jobs).
 */
import { GMMMachine } from '../machines/GMMMachine.js';
import { GMMStats } from '../machines/GMMStats.js';
import { sumGMMStats } from '../machines/shards.js';
import type { Args } from './args.js';
import type { Command, Context } from './command.js';
import { CliError, about } from './errors.js';
import { assertInputFile, assertOutputFile, loadGMM } from './files.js';
import type { Result } from './format.js';
import { mapSettings } from './adapt.js';
import { applySettings, emOptions } from './training.js';

export const estimate: Command = {
  name: 'estimate',
  summary: 'one EM m-step from summed statistics files (per-shard tfjs-em stats)',
  usage: `Usage: tfjs-em estimate --model prev.h5 --stats a.h5 [b.h5...] --out next.h5 [--ubm ubm.h5]

Sums the statistics files in the order given (float64), then runs one m-step of the
model: maximum likelihood as tfjs-em train does, or MAP adaptation of --ubm as
tfjs-em adapt does. With 'tfjs-em stats' on each shard (one job per shard) this is
one EM iteration on all the shards, with no scheduler but the user's.

  --model FILE         the model the statistics were accumulated under
  --stats FILE [...]   GMMStats files (bob's layout) of the shards
  --out FILE           the next model
  --ubm FILE           MAP: the prior GMM (the model is then the current adapted one)
  --update LIST        parameters to update, comma-separated from means,variances,weights
                       (default means,variances,weights; with --ubm: means)
  --relevance R        MAP: Reynolds' relevance factor (default 4)
  --alpha A            MAP: a fixed adaptation weight instead of the relevance factor`,
  options: { model: 'value', stats: 'values', out: 'value', ubm: 'value', update: 'value', relevance: 'value', alpha: 'value' },
  run,
};

async function run(args: Args, context: Context): Promise<Result> {
  const out = args.requiredString('out');
  const modelFile = args.requiredString('model');
  const statsFiles = args.requiredList('stats');
  const ubmFile = args.string('ubm');
  assertOutputFile(out, [modelFile, ubmFile, ...statsFiles]);
  for (const file of statsFiles) assertInputFile(file);
  const model = await loadGMM(modelFile);
  const ubm = ubmFile === undefined ? undefined : await loadGMM(ubmFile);
  const parts: GMMStats[] = [];
  const hash = model.parameterHash();
  for (const file of statsFiles) {
    const stats = await about(file, () => GMMStats.fromHDF5(file));
    if (stats.nGaussians !== model.nGaussians || stats.nFeatures !== model.nFeatures) {
      throw new CliError(file, `holds statistics of shape [${stats.shape}]; ${modelFile} has [${model.shape}]`);
    }
    if (stats.model !== undefined && stats.model !== hash) {
      throw new CliError(file, `holds statistics of another model than ${modelFile} (model ${stats.model}, not ${hash}): run tfjs-em stats with ${modelFile}`);
    }
    const twin = parts.findIndex((p) => p.equals(stats));
    if (twin >= 0) context.progress.warn(`${file} holds the same statistics as ${statsFiles[twin]}: both are summed (the same shard twice?)`);
    parts.push(stats);
  }
  const unknown = statsFiles.filter((_, i) => parts[i].model === undefined);
  if (unknown.length > 0) context.progress.warn(`${unknown[0]}${unknown.length > 1 ? ` and ${unknown.length - 1} more` : ''} do not say which model made them (bob's files): taken to be ${modelFile}'s`);
  const total = sumGMMStats(parts);
  const next = ubm === undefined ? model : mapMachine(model, ubm, args, ubmFile!);
  if (ubm === undefined) applySettings(next, emOptions(args, ['means', 'variances', 'weights']));
  await about(modelFile, async () => next.mStep(total));
  await about(out, () => next.save(out));
  const json = { out, shards: parts.length, frames: total.t, averageLogLikelihood: total.logLikelihood / total.t };
  return { json, columns: Object.keys(json), rows: [Object.values(json)], vertical: true };
}

/** A MAP machine of the UBM holding the current model's parameters. */
function mapMachine(model: GMMMachine, ubm: GMMMachine, args: Args, ubmFile: string): GMMMachine {
  if (ubm.nGaussians !== model.nGaussians || ubm.nFeatures !== model.nFeatures) {
    throw new CliError(ubmFile, `has shape [${ubm.shape}]; the model has [${model.shape}]`);
  }
  const machine = new GMMMachine(ubm.nGaussians, { trainer: 'map', ubm, ...mapSettings(args) });
  machine.weights = model.weights;
  machine.means = model.means;
  machine.variances = model.variances;
  return machine;
}
