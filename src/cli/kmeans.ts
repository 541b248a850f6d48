/** tfjs-em kmeans: k-means clustering, saved for `train --init`. */
import { KMeansMachine, type KMeansInit } from '../machines/KMeansMachine.js';
import type { Args } from './args.js';
import { DEVICE_OPTIONS, DEVICE_USAGE, type Command, type Context } from './command.js';
import { WEIGHT_OPTIONS, WEIGHT_USAGE, assertClusters, loadOne } from './data.js';
import { CliError, about } from './errors.js';
import { assertOutputFile } from './files.js';
import type { Result } from './format.js';
import { KMEANS_DEFAULTS } from '../options/gmmOptions.js';

const INITS: readonly KMeansInit[] = ['random', 'k-means++', 'k-means||'];

export const kmeans: Command = {
  name: 'kmeans',
  summary: 'cluster data by k-means (a start point for train --init)',
  usage: `Usage: tfjs-em kmeans --data X --clusters K --out km.h5 [options]

  --data X             samples: .npy, .csv/.txt, or file.h5:/dataset
${WEIGHT_USAGE}
  --clusters K         number of clusters
  --out FILE           the k-means file to write (HDF5)
  --init METHOD        random, k-means++ or k-means|| (default ${KMEANS_DEFAULTS.initMethod})
  --seed S             seed of the initialisation (default ${KMEANS_DEFAULTS.randomState})
  --steps N            most iterations (default ${KMEANS_DEFAULTS.maxIter})
  --threshold T        stop when the average distance changes by at most T, relative (default ${KMEANS_DEFAULTS.convergenceThreshold})
${DEVICE_USAGE}`,
  options: { data: 'value', ...WEIGHT_OPTIONS, clusters: 'value', out: 'value', init: 'value', seed: 'value', steps: 'value', threshold: 'value', ...DEVICE_OPTIONS },
  run,
};

async function run(args: Args, context: Context): Promise<Result> {
  const out = args.requiredString('out');
  const dataInput = args.requiredString('data');
  args.requiredString('clusters');
  const clusters = args.positiveInteger('clusters')!;
  const options = {
    initMethod: args.choice('init', INITS),
    randomState: args.integer('seed'),
    maxIter: args.positiveInteger('steps'),
    convergenceThreshold: args.nonNegative('threshold'),
    chunkSize: args.positiveInteger('chunk-size'),
  };
  assertOutputFile(out, [dataInput]);
  const backend = await context.backend();
  const weightsInput = args.list('weights');
  if (weightsInput !== undefined && weightsInput.length !== 1) throw new CliError('--weights', 'takes one file, for the one --data file');
  const samples = await loadOne(dataInput, weightsInput?.[0]);
  assertClusters('--clusters', clusters, samples.data.shape[0], samples.spec.spec);
  const machine = new KMeansMachine(clusters, options);
  const start = performance.now();
  context.progress.info(`k-means: ${machine.nClusters} clusters on ${samples.data.shape[0]} frames...`);
  await about(samples.spec.file, () => machine.fit(samples.data, { signal: context.signal, sampleWeight: samples.weights ?? undefined }));
  const seconds = (performance.now() - start) / 1000;
  context.progress.info(`k-means: ${machine.nIter} iterations in ${seconds.toFixed(1)} s`);
  context.signal.throwIfAborted();
  await about(out, () => machine.save(out));
  context.progress.info(`wrote ${out}`);
  const json = {
    out,
    backend,
    clusters: machine.nClusters,
    features: machine.nFeatures!,
    frames: samples.data.shape[0],
    iterations: machine.nIter,
    averageMinDistance: machine.averageMinDistance,
  };
  return { json, columns: Object.keys(json), rows: [Object.values(json)], vertical: true };
}
