/** tfjs-em adapt: MAP adaptation of a UBM to each input file (one utterance or speaker per file). */
import path from 'node:path';
import { GMMMachine } from '../machines/GMMMachine.js';
import { shownUrl } from '../distributed/url.js';
import { connectCluster } from './cluster.js';
import type { ClusterOptions } from '../distributed/cluster.js';
import { REMOTE_OPTIONS, remoteOptions, remoteUsage } from './redisOptions.js';
import { GMM_DEFAULTS } from '../options/gmmOptions.js';
import { baseName, type DataSpec } from '../io/data/read.js';
import type { Args } from './args.js';
import { DEVICE_OPTIONS, DEVICE_USAGE, type Command, type Context } from './command.js';
import { WEIGHT_OPTIONS, WEIGHT_USAGE, dataSpecs, loadSamples, weightSpecs } from './data.js';
import { CliError, about } from './errors.js';
import { assertFeatures, assertOutputFile, assertOutputFolder, isDirectory, loadGMM, writeFolder } from './files.js';
import type { Result } from './format.js';
import { EM_OPTIONS, emOptions, emUsage, fitWithProgress, type EmSettings } from './training.js';

export const adapt: Command = {
  name: 'adapt',
  summary: 'MAP-adapt a UBM to each data file (one model per file)',
  usage: `Usage: tfjs-em adapt --ubm ubm.h5 --data X [X...] --out model.h5|folder [options]

Adapts the UBM to the data by MAP (bob.learn.em's GMMMachine(trainer="map")).
With one data file, --out is the model file; with several files or a folder
(one utterance or speaker per file), --out is a folder receiving one model per
file, named after it. Nothing is written unless every model is.

  --ubm FILE           the prior GMM
  --data X [X...]      .npy, .csv/.txt, file.h5:/dataset, or folders of such files
${WEIGHT_USAGE}
  --out PATH           model file, or folder for several inputs
  --relevance R        Reynolds' relevance factor (default ${GMM_DEFAULTS.mapRelevanceFactor})
  --alpha A            a fixed adaptation weight instead of the relevance factor
${remoteUsage('adapt on tfjs-em workers, one job per file')}
${emUsage('means')}
${DEVICE_USAGE}`,
  options: { ubm: 'value', data: 'values', ...WEIGHT_OPTIONS, out: 'value', ...REMOTE_OPTIONS, relevance: 'value', alpha: 'value', ...EM_OPTIONS, ...DEVICE_OPTIONS },
  run,
};

interface MapSettings extends EmSettings {
  mapRelevanceFactor: number | null;
  mapAlpha: number;
}

async function run(args: Args, context: Context): Promise<Result> {
  const out = args.requiredString('out');
  const settings = mapSettings(args);
  const remote = remoteOptions(args, context, settings.chunkSize);
  const inputs = args.requiredList('data');
  const ubmFile = args.requiredString('ubm');
  const specs = await dataSpecs(inputs);
  const weights = await weightSpecs(args, specs);
  const toFolder = inputs.length > 1 || isDirectory(inputs[0]);
  if (toFolder) assertOutputFolder(out);
  else assertOutputFile(out, [ubmFile, ...inputs]);
  const names = outputNames(specs);
  const backend = await context.backend();
  const ubm = await loadGMM(ubmFile);
  const job = { specs, weights, ubm, ubmFile, settings, context };
  const adaptTo = (targets: string[], shown: string[]) =>
    remote === null ? adaptAll(job, targets, shown) : adaptOnWorkers(remote.url, remote.options, job, targets, shown);
  const rows = toFolder
    ? await writeFolder(out, (dir) => adaptTo(names.map((name) => path.join(dir, name)), names))
    : await adaptTo([out], [out]);
  ubm.dispose();
  context.progress.info(`wrote ${out}`);
  const json = { backend, ubm: ubmFile, out, models: rows };
  return { json, columns: ['file', 'model', 'frames', 'steps', 'avg_log_likelihood'], rows: rows.map((r) => Object.values(r)) };
}

export function mapSettings(args: Args): MapSettings {
  const alpha = args.number('alpha', (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
  const relevance = args.number('relevance', (v) => v > 0, 'a number > 0');
  if (alpha !== undefined && relevance !== undefined) throw new CliError('--alpha', 'give either --alpha or --relevance, not both');
  return {
    ...emOptions(args, ['means']),
    mapRelevanceFactor: alpha === undefined ? (relevance ?? GMM_DEFAULTS.mapRelevanceFactor) : null,
    mapAlpha: alpha ?? GMM_DEFAULTS.mapAlpha,
  };
}

/** Model file names, one per input, checked for clashes (a.npy and a.csv) before any work. */
function outputNames(specs: DataSpec[]): string[] {
  const names = specs.map((s) => `${baseName(s)}.h5`);
  names.forEach((name, i) => {
    const j = names.indexOf(name);
    if (j !== i) throw new CliError(specs[i].spec, `would write ${name}, as ${specs[j].spec} does: rename one of them`);
  });
  return names;
}

interface Adapted {
  file: string;
  model: string;
  frames: number;
  steps: number;
  /** Measured by the last e-step, before the last m-step. */
  averageLogLikelihood: number | null;
}

interface Job {
  specs: DataSpec[];
  /** Their weight files (--weights), or null. */
  weights: DataSpec[] | null;
  ubm: GMMMachine;
  ubmFile: string;
  settings: MapSettings;
  context: Context;
}

/** Adapts a model per input and writes it to `targets[i]`; returns one result row per input. */
async function adaptAll(job: Job, targets: string[], names: string[]): Promise<Adapted[]> {
  const { specs, ubm, settings, context } = job;
  const rows: Adapted[] = [];
  for (const [i, spec] of specs.entries()) {
    context.signal.throwIfAborted();
    const target = targets[i];
    const samples = await loadSamples(spec, job.weights?.[i]);
    assertFeatures(spec.file, samples.data.shape[1], job.ubmFile, ubm.nFeatures);
    const gmm = new GMMMachine(ubm.nGaussians, { trainer: 'map', ubm, ...settings });
    try {
      const label = specs.length > 1 ? `MAP ${i + 1}/${specs.length} ${baseName(spec)}` : 'MAP';
      const last = await fitWithProgress(gmm, samples.data, spec.file, label, context, job.ubmFile, samples.weights);
      context.signal.throwIfAborted();
      await about(target, () => gmm.save(target));
      const averageLogLikelihood = last?.averageLogLikelihood ?? null;
      rows.push({ file: spec.spec, model: names[i], frames: samples.data.shape[0], steps: gmm.nIter, averageLogLikelihood });
    } finally {
      gmm.dispose();
    }
  }
  return rows;
}

/** adaptAll on the workers of a Redis: one job per file, all queued at once; the models come back as bytes. */
async function adaptOnWorkers(url: string, options: ClusterOptions, job: Job, targets: string[], names: string[]): Promise<Adapted[]> {
  const { specs, ubm, settings, context } = job;
  const cluster = await connectCluster(url, options);
  try {
    const model = Buffer.from(await ubm.toBytes()).toString('base64');
    const mapArgs = {
      maxFittingSteps: settings.maxFittingSteps,
      convergenceThreshold: settings.convergenceThreshold,
      updateMeans: settings.updateMeans,
      updateVariances: settings.updateVariances,
      updateWeights: settings.updateWeights,
      mapRelevanceFactor: settings.mapRelevanceFactor,
      mapAlpha: settings.mapAlpha,
    };
    context.progress.info(`run ${cluster.run}: ${specs.length} files on the workers of ${shownUrl(url)}`);
    const results = await Promise.all(
      specs.map((spec, i) => {
        const files = { file: path.resolve(spec.spec), weights: job.weights === null ? undefined : path.resolve(job.weights[i].spec) };
        return about(spec.file, () => cluster.call('adapt', i, files, { model, settings: mapArgs }));
      }),
    );
    const rows: Adapted[] = [];
    for (const [i, { result: r, bytes }] of results.entries()) {
      if (bytes === null) throw new CliError(specs[i].file, `the adapted model is missing from ${shownUrl(url)}`);
      const adapted = await about(specs[i].file, () => GMMMachine.fromHDF5(bytes, ubm));
      await about(targets[i], () => adapted.save(targets[i]));
      rows.push({ file: specs[i].spec, model: names[i], frames: r.frames as number, steps: r.steps as number, averageLogLikelihood: r.averageLogLikelihood as number | null });
    }
    return rows;
  } finally {
    await cluster.close();
  }
}
