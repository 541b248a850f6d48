/**
 * What a pass exchanges through Redis as raw bytes under keys of its own (run, pass), instead of
 * inside job payloads and results (which BullMQ also copies into its events stream): the model
 * of an e-step pass (written once, read once per worker), each shard's statistics and their
 * sum, and each shard job's result (rows, distances, k-means statistics, an adapted model).
 * JSON would copy, base64-encode and parse each of these several times per shard.
 */
import type { Redis } from 'ioredis';
import { GMMStats } from '../machines/GMMStats.js';
import { COVARIANCE_TYPES, covarianceForm } from '../math/gmm/covariances/index.js';
import { secondLength } from '../math/gmm/moments.js';
import { badPayload } from './codec.js';
import type { JobTag } from './jobs.js';

/** Keys outlive their pass at most this long (seconds), should their run die before clearing them. */
const TTL_S = 24 * 3600;

type Kind = 'model' | 'stats' | 'result';

export class PassData {
  constructor(
    private readonly redis: Redis,
    private readonly queue: string,
  ) {}

  putModel(tag: JobTag, bytes: Uint8Array): Promise<unknown> {
    return this.put('model', tag, undefined, bytes);
  }

  /** The size of the pass's model in bytes (0 once the pass is over). */
  modelSize(tag: JobTag): Promise<number> {
    return this.redis.strlen(this.key('model', tag));
  }

  /** The pass's model (HDF5 bytes), or null once the pass is over. */
  model(tag: JobTag): Promise<Uint8Array | null> {
    return this.redis.getBuffer(this.key('model', tag));
  }

  putStats(tag: JobTag, shard: number | 'sum', stats: GMMStats | Uint8Array): Promise<unknown> {
    return this.put('stats', tag, shard, stats instanceof GMMStats ? statsToBytes(stats) : stats);
  }

  /** A shard's statistics (or the sum's), checked to be [k, d]; null when absent. */
  async stats(tag: JobTag, shard: number | 'sum', k: number, d: number): Promise<GMMStats | null> {
    const bytes = await this.redis.getBuffer(this.key('stats', tag, shard));
    return bytes === null ? null : statsFromBytes(bytes, k, d);
  }

  putResult(tag: JobTag, shard: number, bytes: Uint8Array): Promise<unknown> {
    return this.put('result', tag, shard, bytes);
  }

  /** A shard job's result bytes, removed as they are read; null when absent. */
  async takeResult(tag: JobTag, shard: number): Promise<Uint8Array | null> {
    const key = this.key('result', tag, shard);
    const [[, bytes]] = (await this.redis.multi().getBuffer(key).del(key).exec()) as [[unknown, Buffer | null], unknown];
    return bytes;
  }

  /** Removes what the pass left: its model, these shards' statistics and results, and their sum. */
  async clear(tag: JobTag, shards: number[]): Promise<void> {
    const perShard = shards.flatMap((s) => [this.key('stats', tag, s), this.key('result', tag, s)]);
    await this.redis.del(this.key('model', tag), this.key('stats', tag, 'sum'), ...perShard);
  }

  private put(kind: Kind, tag: JobTag, shard: number | 'sum' | undefined, bytes: Uint8Array): Promise<unknown> {
    return this.redis.set(this.key(kind, tag, shard), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'EX', TTL_S);
  }

  private key(kind: Kind, tag: JobTag, shard?: number | 'sum'): string {
    return `tfjs-em:${this.queue}:${kind}:${tag.run}:${tag.pass}${shard === undefined ? '' : `:${shard}`}`;
  }
}

/**
 * [k, d, t, logLikelihood, type, n (k), centre (k d), first (k d), second] as float64 bytes: the
 * moments as held, about each Gaussian's centre (all zeros: about 0); type: the covariance type's
 * index in COVARIANCE_TYPES, which sets the second moments' length (k d, k d d or d d).
 */
export function statsToBytes(s: GMMStats): Uint8Array {
  const { nGaussians: k, nFeatures: d } = s;
  const { centre, first, second } = s.centredMoments();
  const values = new Float64Array(HEADER + k + 2 * k * d + second.length);
  values.set([k, d, s.t, s.logLikelihood, COVARIANCE_TYPES.indexOf(s.covarianceType)]);
  values.set(s.n, HEADER);
  if (centre !== null) values.set(centre, HEADER + k);
  values.set(first, HEADER + k + k * d);
  values.set(second, HEADER + k + 2 * k * d);
  return new Uint8Array(values.buffer);
}

const HEADER = 5;

function statsFromBytes(bytes: Uint8Array, k: number, d: number): GMMStats {
  const v = new Float64Array(Math.floor(bytes.length / 8));
  new Uint8Array(v.buffer).set(bytes.subarray(0, 8 * v.length));
  if (v[0] !== k || v[1] !== d) throw badPayload(`statistics of shape [${v[0]},${v[1]}]; expected [${k},${d}]`);
  const type = COVARIANCE_TYPES[v[4]];
  if (type === undefined) throw badPayload(`statistics of covariance type ${v[4]}`);
  const seconds = secondLength(covarianceForm(type).secondOrder, k, d);
  const expected = 8 * (HEADER + k + 2 * k * d + seconds);
  if (bytes.length !== expected) throw badPayload(`statistics of ${bytes.length} bytes; expected ${expected} for [${k},${d}] of ${type} covariances`);
  const at = (i: number) => v.subarray(HEADER + k + i * k * d, HEADER + k + (i + 1) * k * d);
  return new GMMStats(k, d, type).initFields({
    t: v[2],
    logLikelihood: v[3],
    n: v.subarray(HEADER, HEADER + k),
    centred: { centre: at(0), first: at(1), second: v.subarray(HEADER + k + 2 * k * d) },
  });
}
