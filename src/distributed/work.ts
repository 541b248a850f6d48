/** What a worker computes for each job: per-shard passes on the shard's file, and the sum of a flow's children. */
import { statSync } from 'node:fs';
import { MatrixPasses } from '../data/passes.js';
import { toMatrix, type Matrix } from '../data/matrix.js';
import { parseDataSpec, readData } from '../io/data/read.js';
import { GMMMachine } from '../machines/GMMMachine.js';
import { LocalShards, sumGMMStats } from '../machines/shards.js';
import { readGMMFile } from '../io/gmm.js';
import { TfjsEmError } from '../errors.js';
import { decodeFloats, encodeFloats, encodeKMeansStats, badPayload } from './codec.js';
import type { PassData } from './passData.js';
import type { GMMStats } from '../machines/GMMStats.js';
import { LIMITS, integer, stringArg, type ShardJob, type SumJob } from './jobs.js';

/** Shards read recently, kept while their file is unchanged (EM reads every shard once per iteration). */
const cache = new Map<string, { stamp: string; matrix: Matrix }>();
const CACHED_SHARDS = 64;

async function shardMatrix(file: string): Promise<Matrix> {
  const spec = parseDataSpec(file);
  const st = statOrThrow(spec.file);
  const stamp = `${st.size}:${st.mtimeMs}`;
  const hit = cache.get(file);
  if (hit?.stamp === stamp) return hit.matrix;
  const matrix = await toMatrix(await readData(spec), file);
  cache.delete(file);
  cache.set(file, { stamp, matrix });
  if (cache.size > CACHED_SHARDS) cache.delete(cache.keys().next().value!);
  return matrix;
}

function statOrThrow(file: string) {
  try {
    return statSync(file);
  } catch {
    throw new TfjsEmError('INVALID_DATA', `${file}: no such file`);
  }
}

export interface ShardResult {
  run: string;
  pass: number;
  shard: number;
  [key: string]: unknown;
}

/** Runs one per-shard job; the result carries the job's run, pass and shard. */
export async function runShardJob(name: string, job: ShardJob, passData: PassData): Promise<ShardResult> {
  const tag = { run: job.run, pass: job.pass, shard: job.shard };
  const x = await shardMatrix(job.file);
  const passes = new MatrixPasses(x, job.chunkSize);
  const d = x.nFeatures;
  const { args } = job;
  const k = () => integer(args.k, 'k', 1, LIMITS.clusters);
  switch (name) {
    case 'shape':
      return { ...tag, nSamples: x.nSamples, nFeatures: d };
    case 'rows': {
      const indices = args.indices;
      if (!Array.isArray(indices) || indices.length > LIMITS.rows) throw badPayload('indices must be an array of row numbers');
      const rows = indices.map((i) => integer(i, 'row', 0, x.nSamples - 1));
      return { ...tag, rows: encodeFloats(await passes.rows(rows)) };
    }
    case 'min-distances': {
      const m = k();
      return { ...tag, distances: encodeFloats(await passes.minDistances(decodeFloats(args.centres, 'centres', m * d), m)) };
    }
    case 'kmeans-stats': {
      const m = k();
      return { ...tag, stats: encodeKMeansStats(await passes.kmeansStats(decodeFloats(args.centroids, 'centroids', m * d), m)) };
    }
    case 'cluster-moments': {
      const m = k();
      const centroids = decodeFloats(args.centroids, 'centroids', m * d);
      return { ...tag, moments: encodeFloats(await passes.clusterMoments(centroids, m, decodeFloats(args.means, 'means', m * d))) };
    }
    case 'gmm-stats': {
      const machine = await passModel(job, d, passData);
      machine.chunkSize = job.chunkSize;
      await passData.putStats(job, job.shard, await machine.accStats(x));
      return tag;
    }
    case 'adapt': {
      const ubm = await modelOf(args, d);
      const settings = args.settings === undefined ? {} : checkMapSettings(args.settings);
      const gmm = new GMMMachine(ubm.nGaussians, { trainer: 'map', ubm, chunkSize: job.chunkSize, ...settings });
      try {
        let averageLogLikelihood: number | null = null;
        await gmm.fitShards(new LocalShards([passes]), { onStep: (step) => (averageLogLikelihood = step.averageLogLikelihood) });
        const model = Buffer.from(await gmm.toBytes()).toString('base64');
        return { ...tag, model, frames: x.nSamples, steps: gmm.nIter, averageLogLikelihood };
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
 * The model of an e-step pass, read once per pass: every shard of a pass uses the same model,
 * and reading it (Redis, HDF5, device upload) costs more than a small shard's e-step.
 */
let lastPass: { key: string; machine: GMMMachine } | null = null;

async function passModel(job: ShardJob, d: number, passData: PassData): Promise<GMMMachine> {
  const key = `${job.run}/${job.pass}`;
  if (lastPass?.key === key && lastPass.machine.nFeatures === d) return lastPass.machine;
  const bytes = await passData.model(job);
  if (bytes === null) throw badPayload(`the model of run ${job.run}, pass ${job.pass} is not in Redis (the run ended or moved on)`);
  if (bytes.length > LIMITS.modelBytes) throw badPayload(`the model of pass ${job.pass} is larger than ${LIMITS.modelBytes} bytes`);
  const machine = await checkedModel(bytes, d);
  lastPass?.machine.dispose();
  lastPass = { key, machine };
  return machine;
}

/** The model of a job (HDF5 bytes, base64), checked to fit the shard. */
async function modelOf(args: Record<string, unknown>, d: number): Promise<GMMMachine> {
  return checkedModel(Buffer.from(stringArg(args, 'model', Math.ceil((LIMITS.modelBytes * 4) / 3)), 'base64'), d);
}

async function checkedModel(bytes: Uint8Array, d: number): Promise<GMMMachine> {
  const machine = GMMMachine.fromRecord({ ...(await readGMMFile(new Uint8Array(bytes))), trainer: 'ml' });
  if (machine.nFeatures !== d) throw new TfjsEmError('SHAPE_MISMATCH', `the shard has ${d} features per sample; the model has ${machine.nFeatures}`);
  return machine;
}

const MAP_KEYS = ['maxFittingSteps', 'convergenceThreshold', 'updateMeans', 'updateVariances', 'updateWeights', 'mapRelevanceFactor', 'mapAlpha'] as const;

function checkMapSettings(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object') throw badPayload('settings is not an object');
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!(MAP_KEYS as readonly string[]).includes(key)) throw badPayload(`unknown setting '${key}'`);
    if (!(v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))) throw badPayload(`setting ${key} is not a number or boolean`);
    out[key] = v;
  }
  return out; // GMMMachine checks the values themselves
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
