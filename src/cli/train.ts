/** tfjs-em train: maximum-likelihood GMM (a UBM), from k-means or from a given start point. */
import path from 'node:path';
import { GMMMachine } from '../machines/GMMMachine.js';
import { shownUrl } from '../distributed/url.js';
import { connectCluster } from './cluster.js';
import { KMeansMachine } from '../machines/KMeansMachine.js';
import { readGMMFile } from '../io/index.js';
import { expandThresholds } from '../machines/thresholds.js';
import type { Args } from './args.js';
import { DEVICE_OPTIONS, DEVICE_USAGE, type Command, type Context } from './command.js';
import { WEIGHT_OPTIONS, WEIGHT_USAGE, assertClusters, dataSet, loadShard, loadShards, type DataSet } from './data.js';
import { LocalShards } from '../machines/shards.js';
import { COVARIANCE_TYPES, type CovarianceType, covarianceForm } from '../math/gmm/covariances/index.js';
import { CliError, about } from './errors.js';
import { assertFeatures, assertOutputFile, fileKind } from './files.js';
import type { Result } from './format.js';
import type { EmSettings } from './training.js';
import { EM_OPTIONS, applySettings, emOptions, emUsage, fitShardsWithProgress, withFloorAdvice } from './training.js';
import type { GMMData } from '../machines/GMMMachine.js';
import { REMOTE_OPTIONS, remoteOptions, remoteUsage } from './redisOptions.js';

export const train: Command = {
  name: 'train',
  summary: 'train a GMM by maximum likelihood (k-means start, or --init)',
  usage: `Usage: tfjs-em train --data X [X...] --gaussians K --out ubm.h5 [options]

Trains a GMM by EM (maximum likelihood), as bob.learn.em's GMMMachine(trainer="ml"), with
diagonal covariances (bob's) or full, tied or spherical ones (scikit-learn's). The start
point is k-means on the data, or --init.

  --data X [X...]      samples: .npy, .csv/.txt, file.h5:/dataset, or folders of such files;
                       several files are one data set, read and processed file by file
${WEIGHT_USAGE}
  --gaussians K        number of Gaussians (optional with --init)
  --init FILE          start from this GMM (bob's or ours) or k-means file; no k-means runs
  --out FILE           the model to write (HDF5, bob's layout 1.0)
  --covariance TYPE    diag (default; or --init's type), full, tied or spherical
  --reg-covar V        full and tied: added to the covariances' diagonal at each m-step (default 1e-6)
  --variance-floor V   diag and spherical: smallest variance allowed (default: 2.2e-16, or --init's floor)
  --seed S             seed of the k-means initialisation (default 0)
  --n-init N           k-means starts, each trained; the best final average log-likelihood is kept (default 1)
  --mini-batch ROWS    stepwise (online) EM: one pass over the data in batches of ROWS rows, an
                       m-step after each (GMMMachine.partialFit); the start is k-means on the first batch
${remoteUsage('run every pass over the data on tfjs-em workers, with the same result')}
${emUsage('means,variances,weights')}
${DEVICE_USAGE}`,
  options: { data: 'values', ...WEIGHT_OPTIONS, gaussians: 'value', ...REMOTE_OPTIONS, init: 'value', out: 'value', covariance: 'value', 'reg-covar': 'value', 'variance-floor': 'value', seed: 'value', 'n-init': 'value', 'mini-batch': 'value', ...EM_OPTIONS, ...DEVICE_OPTIONS },
  run,
};

async function run(args: Args, context: Context): Promise<Result> {
  const out = args.requiredString('out');
  const inputs = args.requiredList('data');
  const init = args.string('init');
  const gaussians = init === undefined ? requiredGaussians(args) : args.positiveInteger('gaussians');
  const floor = args.nonNegative('variance-floor');
  const covarianceType = args.choice('covariance', COVARIANCE_TYPES);
  const regCovar = args.nonNegative('reg-covar');
  const settings = emOptions(args, ['means', 'variances', 'weights']);
  const seed = args.integer('seed') ?? 0;
  const nInit = args.positiveInteger('n-init') ?? 1;
  const miniBatch = args.positiveInteger('mini-batch');
  const remote = remoteOptions(args, context, settings.chunkSize);
  if (nInit > 1 && init !== undefined) throw new CliError('--n-init', 'needs the k-means start: leave out --init');
  if (miniBatch !== undefined && remote !== null) throw new CliError('--mini-batch', 'runs on this machine: leave out --redis');
  if (miniBatch !== undefined && nInit > 1) throw new CliError('--mini-batch', 'takes one start: leave out --n-init');
  const set = await dataSet(inputs, args);
  assertOutputFile(out, [...inputs, init]);
  const backend = await context.backend();
  const job = { out, init, gaussians, floor, covarianceType, regCovar, settings, seed, nInit, backend };
  if (miniBatch !== undefined) return trainStepwise(set, job, miniBatch, context);
  if (remote === null) return trainOn(await loadShards(set, settings.chunkSize), set, job, context);
  const { url } = remote;
  const cluster = await connectCluster(url, remote.options);
  try {
    context.progress.info(`run ${cluster.run}: ${set.specs.length} shards on the workers of ${shownUrl(url)}`);
    const weights = set.weights?.map((w) => path.resolve(w.spec));
    const data = await about(set.subject, () => cluster.data(set.specs.map((s) => path.resolve(s.spec)), weights));
    return await trainOn(data, set, job, context);
  } finally {
    await cluster.close();
  }
}

export interface TrainJob {
  out: string;
  init: string | undefined;
  gaussians: number | undefined;
  floor: number | undefined;
  /** undefined: diag, or --init's type. */
  covarianceType: CovarianceType | undefined;
  regCovar: number | undefined;
  settings: EmSettings;
  seed: number;
  nInit: number;
  backend: string;
}

/** ML training on a data set (local shards, or workers holding them), written to job.out. */
export async function trainOn(data: GMMData, set: DataSet, job: TrainJob, context: Context): Promise<Result> {
  const { out, init, settings } = job;
  if (job.gaussians !== undefined) assertClusters('--gaussians', job.gaussians, data.nSamples, set.subject);
  const gmm = init === undefined
    ? await kmeansStart(data, set.subject, job, context)
    : await givenStart(init, job, data, set.subject);
  try {
    applySettings(gmm, settings);
    if (job.regCovar !== undefined) gmm.regCovar = job.regCovar;
    if (job.floor !== undefined) gmm.varianceThresholds = job.floor;
    const last = await fitShardsWithProgress(gmm, data, set.subject, 'EM', context);
    context.signal.throwIfAborted();
    await about(out, () => gmm.save(out));
    context.progress.info(`wrote ${out}`);
    return summary(out, job.backend, gmm, data.nSamples, last?.averageLogLikelihood ?? null);
  } finally {
    gmm.dispose();
  }
}

/**
 * Stepwise EM (--mini-batch): the data set's files in order, each in batches of `rows` rows, one
 * partialFit per batch; the start is --init, or k-means on the first batch.
 */
async function trainStepwise(set: DataSet, job: TrainJob, rows: number, context: Context): Promise<Result> {
  const first = await loadShard(set, 0);
  const gmm = job.init === undefined
    ? new GMMMachine(job.gaussians!, { randomState: job.seed, covarianceType: job.covarianceType })
    : await givenStart(job.init, job, await LocalShards.of([first.data], job.settings.chunkSize, [first.weights]), set.subject);
  try {
    applySettings(gmm, job.settings);
    if (job.regCovar !== undefined) gmm.regCovar = job.regCovar;
    if (job.floor !== undefined) gmm.varianceThresholds = job.floor;
    let frames = 0;
    for (const [i, spec] of set.specs.entries()) {
      const { data, weights } = i === 0 ? first : await loadShard(set, i);
      const d = data.shape[1];
      if (i === 0 && job.init === undefined) assertClusters('--gaussians', job.gaussians!, Math.min(rows, data.shape[0]), spec.file);
      for (let start = 0; start < data.shape[0]; start += rows) {
        const end = Math.min(data.shape[0], start + rows);
        const batch = { data: data.data.subarray(start * d, end * d), shape: [end - start, d] as [number, number] };
        const sampleWeight = weights?.subarray(start, end);
        await about(spec.file, () => withFloorAdvice('--variance-floor', () => gmm.partialFit(batch, { signal: context.signal, sampleWeight })));
        frames += end - start;
        context.progress.info(`batch ${gmm.nIter}: ${spec.file} rows ${start}-${end - 1}, avg log-likelihood ${gmm.lowerBound!.toFixed(6)}`);
      }
    }
    context.signal.throwIfAborted();
    await about(job.out, () => gmm.save(job.out));
    context.progress.info(`wrote ${job.out}`);
    return summary(job.out, job.backend, gmm, frames, gmm.lowerBound);
  } finally {
    gmm.dispose();
  }
}

function requiredGaussians(args: Args): number {
  args.requiredString('gaussians');
  return args.positiveInteger('gaussians')!;
}

/** A machine of the k-means start: started here (with its timing shown), or, with nInit > 1, by the fit. */
async function kmeansStart(data: GMMData, subject: string, job: TrainJob, context: Context): Promise<GMMMachine> {
  const k = job.gaussians!;
  const kmeans = new KMeansMachine(k, { chunkSize: job.settings.chunkSize });
  const gmm = new GMMMachine(k, { kMeansTrainer: kmeans, randomState: job.seed, nInit: job.nInit, covarianceType: job.covarianceType, regCovar: job.regCovar });
  if (job.nInit > 1) return gmm;
  const start = performance.now();
  context.progress.info(`k-means: ${k} clusters on ${data.nSamples} frames...`);
  await about(subject, () => withFloorAdvice('--variance-floor', () => gmm.initializeFromPasses(data, context.signal)));
  context.progress.info(`k-means: ${kmeans.nIter} iterations in ${seconds(start)} s`);
  context.signal.throwIfAborted();
  return gmm;
}

/**
 * A GMM file's parameters, or a k-means file's centroids with the per-cluster variances and
 * weights of the data. The floor (--variance-floor, else the file's, else bob's default) is set
 * first: a cluster of one sample has variance 0, which the floor raises, as k-means starts do.
 * A GMM file keeps its covariance type; --covariance, when given, must name it.
 */
async function givenStart(file: string, job: TrainJob, data: GMMData, subject: string): Promise<GMMMachine> {
  const { gaussians: k, floor, covarianceType } = job;
  const { kind } = await fileKind(file);
  if (kind === 'GMMStats') throw new CliError(file, 'is a statistics file; --init takes a GMM or k-means file');
  if (kind === 'KMeansMachine') {
    const kmeans = await about(file, () => KMeansMachine.fromHDF5(file));
    checkStart(file, kmeans.nClusters, kmeans.nFeatures!, k, data, subject);
    const { variances, weights } = await about(subject, () => kmeans.variancesAndWeightsOf(data));
    const empty = weights.findIndex((w) => !(w > 0));
    if (empty >= 0) throw new CliError(file, `cluster ${empty} holds none of the samples of ${subject}; run kmeans on this data`);
    const gmm = new GMMMachine(kmeans.nClusters, { covarianceType, regCovar: job.regCovar });
    if (floor !== undefined) gmm.varianceThresholds = floor;
    const whitened = gmm.covarianceType === 'full' || gmm.covarianceType === 'tied'; // regCovar keeps them positive definite
    return about(file, async () => withParameters(gmm, kmeans.centroids, whitened ? variances : floored(variances, gmm), weights));
  }
  const record = await about(file, () => readGMMFile(file));
  checkStart(file, record.nGaussians, record.nFeatures, k, data, subject);
  const type = record.covarianceType ?? 'diag';
  if (covarianceType !== undefined && covarianceType !== type) {
    throw new CliError(file, `holds ${type} covariances, but --covariance is ${covarianceType}: leave out --covariance, or start from k-means`);
  }
  // As loading does: weights saved by training sum to 1 within float32 sums, not exactly.
  const gmm = await about(file, async () => GMMMachine.fromRecord({ ...record, trainer: 'ml' }));
  if (floor !== undefined) gmm.varianceThresholds = floor;
  return gmm;
}

/** Variances [K, D] raised to the machine's floor, which must then leave none at 0. */
function floored(variances: Float64Array, gmm: GMMMachine): Float64Array {
  const floors = expandThresholds(gmm.varianceThresholds, gmm.nGaussians, variances.length / gmm.nGaussians);
  const out = variances.map((v, i) => Math.max(v, floors[i]));
  if (out.some((v) => !(v > 0))) throw new CliError('--variance-floor', 'a cluster of one sample has variance 0: give a floor > 0');
  return out;
}

/** The k-means file's start: its centroids, and each cluster's variances as the type's covariances (see CovarianceForm.fromVariances). */
function withParameters(gmm: GMMMachine, means: Float64Array, variances: Float64Array, weights: Float64Array): GMMMachine {
  gmm.means = means;
  gmm.weights = weights;
  gmm.covariances = covarianceForm(gmm.covarianceType).fromVariances(variances, weights, gmm.nGaussians, gmm.nFeatures, gmm.regCovar);
  return gmm;
}

function checkStart(file: string, k: number, d: number, requested: number | undefined, data: GMMData, subject: string): void {
  if (requested !== undefined && requested !== k) throw new CliError(file, `has ${k} Gaussians, but --gaussians is ${requested}`);
  assertFeatures(subject, data.nFeatures, file, d);
}

function seconds(start: number): string {
  return ((performance.now() - start) / 1000).toFixed(1);
}

function summary(out: string, backend: string, gmm: GMMMachine, frames: number, averageLogLikelihood: number | null): Result {
  const json = {
    out,
    backend,
    gaussians: gmm.nGaussians,
    features: gmm.nFeatures,
    covariance: gmm.covarianceType,
    frames,
    steps: gmm.nIter,
    converged: gmm.converged,
    /** Measured by the last e-step, before the last m-step. */
    averageLogLikelihood,
  };
  return { json, columns: Object.keys(json), rows: [Object.values(json)], vertical: true };
}
