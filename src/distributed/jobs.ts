/**
 * The jobs tfjs-em puts on its queue: names, payloads, and the checks a worker makes
 * before touching anything. A worker runs these names only; every payload is checked
 * for its schema and sizes, and every path against the worker's data root.
 */
import { readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { badPayload, decodeFloats } from './codec.js';

/** Per-shard work (children), and the parent that sums a flow's children in shard order. */
export const SHARD_JOBS = ['shape', 'rows', 'weights', 'min-distances', 'kmeans-stats', 'cluster-moments', 'gmm-stats', 'adapt', 'fa-stats', 'iv-stats'] as const;
/** The jobs whose model is stored for their pass in Redis (not in their payload). */
export const MODEL_JOBS: readonly string[] = ['gmm-stats', 'fa-stats', 'iv-stats'];
export const SUM_JOB = 'sum-stats';
export type ShardJobName = (typeof SHARD_JOBS)[number];
export type JobName = ShardJobName | typeof SUM_JOB;

/** Every job names its run and its pass: results of another run or an earlier pass are never used. */
export interface JobTag {
  run: string;
  pass: number;
}

export interface ShardJob extends JobTag {
  shard: number;
  file: string;
  /** The file of the shard's sample weights (one per row), when weighted. */
  weights?: string;
  /** The shard's content as its first job of the run found it (see fingerprint); absent on that first job. */
  fingerprint?: string;
  /** Rows per device chunk: the coordinator's, so that every worker chunks a shard alike. */
  chunkSize?: number;
  /** The operation's arguments (base64 float64 arrays, counts), checked per name. */
  args: Record<string, unknown>;
  /** fa-stats: the sessions of the shard's speaker list, read by the worker, each inside its data root. */
  sessions?: { speaker: string; file: string }[];
  /** iv-stats: the statistics files of the shard's list, read by the worker, each inside its data root. */
  files?: string[];
}

export interface SumJob extends JobTag {
  shards: number;
  k: number;
  d: number;
}

/**
 * Limits on what a payload may ask for: a worker refuses anything larger. A job's arrays (its
 * arguments, and its result: rows, one distance per sample, statistics) hold at most `values`
 * float64 values (128 MiB); the rows a job returns, at most `rowValues` (32 MiB).
 */
export const LIMITS = { clusters: 1 << 16, features: 1 << 14, rows: 1 << 20, shards: 1 << 20, modelBytes: 1 << 30, values: 1 << 24, rowValues: 1 << 22 };

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function checkTag(data: Record<string, unknown>): JobTag {
  if (typeof data.run !== 'string' || !RUN_ID.test(data.run)) throw badPayload('run is not an identifier');
  return { run: data.run, pass: integer(data.pass, 'pass', 0, Number.MAX_SAFE_INTEGER) };
}

/** A per-shard job's payload, its file resolved and, with a data root, inside it. */
export function checkShardJob(name: string, data: unknown, dataRoot: string | undefined): ShardJob {
  if (!(SHARD_JOBS as readonly string[]).includes(name)) throw badPayload(`'${name}' is not a tfjs-em job`);
  const d = object(data, 'payload');
  const tag = checkTag(d);
  const shard = integer(d.shard, 'shard', 0, LIMITS.shards);
  if (typeof d.file !== 'string' || d.file === '' || d.file.includes('\0')) throw badPayload('file is not a path');
  const chunkSize = d.chunkSize === undefined ? undefined : integer(d.chunkSize, 'chunkSize', 1, Number.MAX_SAFE_INTEGER);
  if (d.fingerprint !== undefined && !(typeof d.fingerprint === 'string' && /^[0-9a-f]{64}$/.test(d.fingerprint))) throw badPayload('fingerprint is not a SHA-256 in hex');
  const fingerprint = d.fingerprint as string | undefined;
  if (d.weights !== undefined && (typeof d.weights !== 'string' || d.weights === '' || d.weights.includes('\0'))) throw badPayload('weights is not a path');
  const weights = d.weights === undefined ? undefined : insideRoot(d.weights as string, dataRoot);
  return { ...tag, shard, file: insideRoot(d.file, dataRoot), weights, fingerprint, chunkSize, args: object(d.args, 'args') };
}

export function checkSumJob(data: unknown): SumJob {
  const d = object(data, 'payload');
  return {
    ...checkTag(d),
    shards: integer(d.shards, 'shards', 1, LIMITS.shards),
    k: integer(d.k, 'k', 1, LIMITS.clusters),
    d: integer(d.d, 'd', 1, LIMITS.features),
  };
}

/**
 * The data path (a file, or file.h5:/dataset) with its file resolved: links followed, also
 * where the file or a folder on the way is missing. With a root, the resolved file must lie
 * inside it; a path that leads out gets one message, whether what it points at exists or not.
 */
export function insideRoot(spec: string, root: string | undefined): string {
  const { file, suffix } = splitDataset(spec);
  const real = resolved(path.resolve(file));
  if (root !== undefined) {
    const relative = path.relative(realpathSync(root), real);
    if (relative.startsWith('..') || path.isAbsolute(relative)) throw badPayload(`${spec} is outside the worker's data root ${root}`);
  }
  return real + suffix;
}

/** An HDF5 path's ':/dataset' suffix apart from its file (as parseDataSpec reads them, without looking at the disk). */
function splitDataset(spec: string): { file: string; suffix: string } {
  const inner = /^(.*\.(?:h5|hdf5|hdf))(:\/.*)$/i.exec(spec);
  return inner ? { file: inner[1], suffix: inner[2] } : { file: spec, suffix: '' };
}

/** realpath, continuing through missing parts: a dangling link is followed to its target, a missing name kept. */
function resolved(absolute: string, depth = 0): string {
  try {
    return realpathSync(absolute);
  } catch {
    // missing, or a link to something missing
  }
  const parent = path.dirname(absolute);
  if (parent === absolute || depth > 40) return absolute;
  try {
    return resolved(path.resolve(parent, readlinkSync(absolute)), depth + 1);
  } catch {
    return path.join(resolved(parent, depth + 1), path.basename(absolute));
  }
}

export function integer(value: unknown, what: string, min: number, max: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw badPayload(`${what} must be an integer in [${min}, ${max}]; got ${JSON.stringify(value)}`);
  }
  return value as number;
}

export function object(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badPayload(`${what} is not an object`);
  return value as Record<string, unknown>;
}

/** A base64 float64 argument of exactly `length` values (at most LIMITS.values), checked before it is decoded. */
export function floatsArg(args: Record<string, unknown>, name: string, length: number): Float64Array {
  if (length > LIMITS.values) throw badPayload(`${name} would hold ${length} values; a job takes at most ${LIMITS.values}`);
  return decodeFloats(stringArg(args, name, 4 * Math.ceil((8 * length) / 3)), name, length);
}

export function stringArg(args: Record<string, unknown>, name: string, maxLength: number): string {
  const v = args[name];
  if (typeof v !== 'string' || v.length > maxLength) throw badPayload(`${name} must be a string of at most ${maxLength} characters`);
  return v;
}
