/**
 * What a worker computes for each job: per-shard passes on the shard's file (in the worker's
 * compute thread, see computeThread.ts), and the sum of a flow's children (on its main thread).
 * A shard job's output is a small result (it travels as the job's return value) and, where
 * there is one, an array of bytes (it travels through Redis under the pass's keys).
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { MatrixPasses } from '../data/passes.js';
import { toMatrix, withSampleWeight, type HostArray2D, type Matrix } from '../data/matrix.js';
import { parseDataSpec, readData } from '../io/data/read.js';
import { GMMMachine } from '../machines/GMMMachine.js';
import { LocalShards, sumGMMStats } from '../machines/shards.js';
import { readGMMFile } from '../io/gmm.js';
import { TfjsEmError } from '../errors.js';
import { badPayload, bytesOf, kmeansStatsToValues } from './codec.js';
import { factorAnalysisStats } from './factorAnalysis.js';
import { ivectorStats } from './ivector.js';
import { statsToBytes, type PassData } from './passData.js';
import type { GMMStats } from '../machines/GMMStats.js';
import { LIMITS, floatsArg, integer, stringArg, type ShardJob, type SumJob } from './jobs.js';
import { GMM_OPTIONS } from '../options/gmmOptions.js';
import { checkOption } from '../options/table.js';

/** Shards read recently, kept while their files are unchanged (EM reads every shard once per iteration). */
const cache = new Map<string, { stamp: string; matrix: Matrix; fingerprint: string }>();
const CACHED_SHARDS = 64;

/**
 * The shard's samples (weighted by its weights file, when given) and the SHA-256 of their values,
 * shape and weights, read again when a file changed on disk.
 */
async function shardMatrix(file: string, weightsFile: string | undefined): Promise<{ matrix: Matrix; fingerprint: string }> {
  const specs = [parseDataSpec(file), ...(weightsFile === undefined ? [] : [parseDataSpec(weightsFile)])];
  const stamp = specs.map((spec) => {
    const st = statOrThrow(spec.file);
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  }).join('|');
  const key = `${file}|${weightsFile ?? ''}`;
  const hit = cache.get(key);
  if (hit?.stamp === stamp) return hit;
  const [data, weights] = await Promise.all(specs.map((spec) => readData(spec)));
  if (weights !== undefined && weights.shape[1] !== 1) throw new TfjsEmError('INVALID_DATA', `${weightsFile}: holds ${weights.shape[1]} values per row; weights are one per row`);
  const matrix = withSampleWeight(await toMatrix(data, file), weights?.data, `the weights of ${file}`);
  const entry = { stamp, matrix, fingerprint: fingerprintOf(data, weights) };
  cache.delete(key);
  cache.set(key, entry);
  if (cache.size > CACHED_SHARDS) cache.delete(cache.keys().next().value!);
  return entry;
}

function fingerprintOf(...arrays: (HostArray2D | undefined)[]): string {
  const hash = createHash('sha256');
  for (const x of arrays) {
    if (x === undefined) continue;
    const { buffer, byteOffset, byteLength } = x.data;
    hash.update(`${x.shape}`).update(new Uint8Array(buffer, byteOffset, byteLength));
  }
  return hash.digest('hex');
}

function statOrThrow(file: string) {
  try {
    return statSync(file);
  } catch {
    throw new TfjsEmError('INVALID_DATA', `${file}: no such file`);
  }
}

/** A shard job's return value: the job's run, pass and shard, and small values. */
export interface ShardResult {
  run: string;
  pass: number;
  shard: number;
  [key: string]: unknown;
}

export interface ShardOutput {
  /** Small values for the job's return value (the tag is added by the worker). */
  result: Record<string, number | string | boolean | null>;
  /** The job's array: statistics for gmm-stats, else its result (rows, distances, a model...). */
  bytes?: Uint8Array;
}

/**
 * Runs one per-shard job. The model of a gmm-stats pass comes as its HDF5 bytes (the caller
 * reads it from Redis). A shard whose content differs from the fingerprint the job carries
 * (the file was replaced or rewritten since the run began) is an error.
 */
export async function runShardJob(name: string, job: ShardJob, model?: Uint8Array): Promise<ShardOutput> {
  // Their files are lists of statistics files, not samples.
  if (name === 'fa-stats') return factorAnalysisStats(job, model);
  if (name === 'iv-stats') return ivectorStats(job, model);
  const { matrix: x, fingerprint } = await shardMatrix(job.file, job.weights);
  if (job.fingerprint !== undefined && job.fingerprint !== fingerprint) {
    throw new TfjsEmError('INVALID_DATA', `${job.file}: changed since the run began (its samples differ from its first pass's); start the run again`);
  }
  const passes = new MatrixPasses(x, job.chunkSize);
  const d = x.nFeatures;
  const { args } = job;
  const k = () => integer(args.k, 'k', 1, LIMITS.clusters);
  const values = (v: Float64Array): ShardOutput => ({ result: {}, bytes: bytesOf(v) });
  switch (name) {
    case 'shape':
      return { result: { nSamples: x.nSamples, nFeatures: d, fingerprint } };
    case 'weights':
      if (!x.sampleWeight) throw badPayload(`the shard ${job.file} has no weights`);
      return values(x.sampleWeight.slice()); // a copy: the result's buffer moves to the main thread
    case 'rows': {
      const indices = args.indices;
      if (!Array.isArray(indices) || indices.length > LIMITS.rows || indices.length * d > LIMITS.rowValues) {
        throw badPayload(`indices must be an array of at most ${Math.min(LIMITS.rows, Math.floor(LIMITS.rowValues / d))} row numbers`);
      }
      return values(await passes.rows(indices.map((i) => integer(i, 'row', 0, x.nSamples - 1))));
    }
    case 'min-distances': {
      const m = k();
      if (x.nSamples > LIMITS.values) throw badPayload(`the shard's ${x.nSamples} distances exceed a job's ${LIMITS.values} values: split the file`);
      return values(await passes.minDistances(floatsArg(args, 'centres', m * d), m));
    }
    case 'kmeans-stats': {
      const m = k();
      return values(kmeansStatsToValues(await passes.kmeansStats(floatsArg(args, 'centroids', m * d), m)));
    }
    case 'cluster-moments': {
      const m = k();
      return values(await passes.clusterMoments(floatsArg(args, 'centroids', m * d), m, floatsArg(args, 'means', m * d)));
    }
    case 'gmm-stats': {
      if (model === undefined) throw badPayload(`the model of run ${job.run}, pass ${job.pass} is not in Redis (the run ended or moved on)`);
      const machine = await passModel(job, model, d);
      machine.chunkSize = job.chunkSize;
      return { result: {}, bytes: statsToBytes(await machine.accStats(x)) };
    }
    case 'adapt': {
      const ubm = await checkedModel(Buffer.from(stringArg(args, 'model', Math.ceil((LIMITS.modelBytes * 4) / 3)), 'base64'), d);
      const settings = args.settings === undefined ? {} : checkMapSettings(args.settings);
      const gmm = new GMMMachine(ubm.nGaussians, { trainer: 'map', ubm, chunkSize: job.chunkSize, ...settings });
      try {
        let averageLogLikelihood: number | null = null;
        await gmm.fitShards(new LocalShards([passes]), { onStep: (step) => (averageLogLikelihood = step.averageLogLikelihood), onWarning: () => {} });
        return { result: { frames: x.nSamples, steps: gmm.nIter, averageLogLikelihood }, bytes: await gmm.toBytes() };
      } finally {
        gmm.dispose();
        ubm.dispose();
      }
    }
    default:
      throw badPayload(`'${name}' is not a tfjs-em job`);
  }
}

/**
 * The model of an e-step pass, loaded once per pass: every shard of a pass uses the same model,
 * and loading it (HDF5, device upload) costs more than a small shard's e-step.
 */
let lastPass: { key: string; machine: GMMMachine } | null = null;

async function passModel(job: ShardJob, bytes: Uint8Array, d: number): Promise<GMMMachine> {
  const key = `${job.run}/${job.pass}`;
  if (lastPass?.key === key && lastPass.machine.nFeatures === d) return lastPass.machine;
  const machine = await checkedModel(bytes, d);
  lastPass?.machine.dispose();
  lastPass = { key, machine };
  return machine;
}

/** The model of a job (HDF5 bytes), checked to fit the shard. */
async function checkedModel(bytes: Uint8Array, d: number): Promise<GMMMachine> {
  if (bytes.length > LIMITS.modelBytes) throw badPayload(`a model of ${bytes.length} bytes; a job takes at most ${LIMITS.modelBytes}`);
  const machine = GMMMachine.fromRecord({ ...(await readGMMFile(new Uint8Array(bytes))), trainer: 'ml' });
  if (machine.nFeatures !== d) throw new TfjsEmError('SHAPE_MISMATCH', `the shard has ${d} features per sample; the model has ${machine.nFeatures}`);
  return machine;
}

const MAP_KEYS = ['maxFittingSteps', 'convergenceThreshold', 'updateMeans', 'updateVariances', 'updateWeights', 'mapRelevanceFactor', 'mapAlpha'] as const;

/** The MAP settings of an adapt job: those names only, each value as GMMMachine takes it (GMM_OPTIONS). */
function checkMapSettings(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object') throw badPayload('settings is not an object');
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!(MAP_KEYS as readonly string[]).includes(key)) throw badPayload(`unknown setting '${key}'`);
    try {
      out[key] = checkOption(GMM_OPTIONS, key, v);
    } catch (error) {
      throw badPayload(`setting ${(error as Error).message}`);
    }
  }
  return out;
}

/**
 * The parent of a flow: its children's statistics summed in float64 in shard order, stored as
 * the pass's sum. Only children that answered for this run and pass count (a stale result of
 * another run or an earlier pass is never used); every shard must be there.
 */
export async function sumChildren(job: SumJob, children: Record<string, unknown>, passData: PassData): Promise<void> {
  const answered = new Set<number>();
  for (const value of Object.values(children)) {
    const r = value as ShardResult | null;
    if (r !== null && typeof r === 'object' && r.run === job.run && r.pass === job.pass && Number.isInteger(r.shard)) answered.add(r.shard);
  }
  const parts: GMMStats[] = [];
  for (let s = 0; s < job.shards; s++) {
    const stats = answered.has(s) ? await passData.stats(job, s, job.k, job.d) : null;
    if (stats === null) throw badPayload(`no result of shard ${s} for run ${job.run}, pass ${job.pass}`);
    parts.push(stats);
  }
  await passData.putStats(job, 'sum', sumGMMStats(parts));
}
