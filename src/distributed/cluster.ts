/**
 * The coordinator's side: a data set whose shards are files the workers read. Each pass
 * over the data is one job per shard; an EM e-step is one BullMQ flow (children: the
 * shards' statistics; parent: their float64 sum in shard order). Jobs and results carry
 * this run's id and the pass number, so runs sharing a Redis never mix.
 */
import { randomBytes } from 'node:crypto';
import { FlowProducer, Job, Queue, QueueEvents, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { ShardedPasses, type DataPasses } from '../data/passes.js';
import type { GMMData, GMMMachine } from '../machines/GMMMachine.js';
import type { GMMStats } from '../machines/GMMStats.js';
import type { KMeansStats } from '../math/kmeans/accumulate.js';
import { TfjsEmError } from '../errors.js';
import { decodeFloats, decodeKMeansStats, encodeFloats, type EncodedKMeansStats } from './codec.js';
import { clusterError, connect, lost, ready } from './connection.js';
import { shownUrl } from './url.js';
import { SUM_JOB, type ShardJobName } from './jobs.js';
import { PassData } from './passData.js';
import type { ShardResult } from './work.js';

export const DEFAULT_QUEUE = 'tfjs-em';

export interface ClusterOptions {
  /** The queue the workers listen on (default 'tfjs-em'). */
  queue?: string;
  /** Rows per device chunk on the workers (default: each worker's device limit). */
  chunkSize?: number;
}

/** Completed and failed jobs are removed once read; these are backstops for interrupted runs. */
const KEEP: JobsOptions = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } };

export class Cluster {
  readonly run = randomBytes(6).toString('hex');
  private seq = 0;
  private readonly lostConnection: Promise<never>;
  private readonly passData: PassData;

  private constructor(
    private readonly url: string,
    private readonly connection: Redis,
    private readonly queue: Queue,
    private readonly flows: FlowProducer,
    private readonly events: QueueEvents,
    readonly chunkSize: number | undefined,
  ) {
    this.lostConnection = lost(connection, url);
    this.passData = new PassData(connection, queue.name);
    this.lostConnection.catch(() => {});
  }

  static async connect(url: string, options: ClusterOptions = {}): Promise<Cluster> {
    const connection = connect(url);
    await ready(connection, url);
    const name = options.queue ?? DEFAULT_QUEUE;
    const queue = new Queue(name, { connection });
    queue.setMaxListeners(0); // one 'closing' listener per job being waited for: one per shard at a time
    const flows = new FlowProducer({ connection });
    const events = new QueueEvents(name, { connection: connection.duplicate() });
    await events.waitUntilReady();
    return new Cluster(url, connection, queue, flows, events, options.chunkSize);
  }

  /** The data set of these files (paths as the workers see them), one shard per file, in the order given. */
  async data(files: string[]): Promise<RemoteData> {
    const shapes = await Promise.all(files.map((file, shard) => this.call('shape', shard, file, {})));
    return new RemoteData(this, files.map((file, shard) => new RemoteShard(this, shard, file, shapes[shard].nSamples as number, shapes[shard].nFeatures as number)));
  }

  /** One job on one shard; its result, checked to be this run's answer to this job. */
  async call(name: ShardJobName, shard: number, file: string, args: Record<string, unknown>): Promise<ShardResult> {
    return this.redisErrors(() => this.callOnce(name, shard, file, args));
  }

  private async callOnce(name: ShardJobName, shard: number, file: string, args: Record<string, unknown>): Promise<ShardResult> {
    const pass = ++this.seq;
    const job = await this.queue.add(name, { run: this.run, pass, shard, file, chunkSize: this.chunkSize, args }, { ...KEEP, jobId: `${this.run}-${pass}-${shard}`, attempts: 1 });
    const result = await this.finished(job, [[job.id!, file]]);
    return checkResult(result, this.run, pass, shard);
  }

  /** The shards' GMM statistics under the model (HDF5 bytes), summed by the flow's parent. */
  async gmmStats(files: string[], model: Uint8Array, k: number, d: number): Promise<GMMStats> {
    return this.redisErrors(() => this.gmmStatsOnce(files, model, k, d));
  }

  private async gmmStatsOnce(files: string[], model: Uint8Array, k: number, d: number): Promise<GMMStats> {
    const tag = { run: this.run, pass: ++this.seq };
    try {
      await this.passData.putModel(tag, model);
      await this.sumFlow(files, tag.pass, k, d);
      const sum = await this.passData.stats(tag, 'sum', k, d);
      if (sum === null) throw new TfjsEmError('CLUSTER', `the sum of pass ${tag.pass} is missing from Redis`);
      return sum;
    } finally {
      await this.passData.clear(tag, files.length).catch(() => {});
    }
  }

  private async sumFlow(files: string[], pass: number, k: number, d: number): Promise<void> {
    const tree = await this.flows.add({
      name: SUM_JOB,
      queueName: this.queue.name,
      data: { run: this.run, pass, shards: files.length, k, d },
      opts: { ...KEEP, jobId: `${this.run}-${pass}-sum`, attempts: 1 },
      children: files.map((file, shard) => ({
        name: 'gmm-stats',
        queueName: this.queue.name,
        data: { run: this.run, pass, shard, file, chunkSize: this.chunkSize, args: {} },
        opts: { ...KEEP, jobId: `${this.run}-${pass}-${shard}`, attempts: 1, failParentOnFailure: true },
      })),
    });
    const result = await this.finished(tree.job, files.map((file, shard) => [`${this.run}-${pass}-${shard}`, file]));
    if (result?.run !== this.run || result?.pass !== pass) throw new TfjsEmError('CLUSTER', `the sum of pass ${pass} came back for another run or pass`);
  }

  /** Redis commands failing (the server gone): a clusterError naming the URL. */
  private async redisErrors<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof TfjsEmError) throw error;
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      const lostIt = this.connection.status !== 'ready';
      throw clusterError(this.url, lostIt ? `lost the connection to Redis (${message})` : `Redis: ${message}`);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.flows.close(), this.queue.close()]);
    this.connection.disconnect();
  }

  /**
   * The job's result. A failed job (or flow) fails the run with the failing shard's file
   * and the worker's reason; a lost Redis connection fails it too.
   */
  private async finished(job: Job, shardJobs: [string, string][]): Promise<Record<string, unknown>> {
    try {
      const value = await Promise.race([job.waitUntilFinished(this.events), this.lostConnection]);
      await job.remove({ removeChildren: true }).catch(() => {});
      return value as Record<string, unknown>;
    } catch (error) {
      if (error instanceof TfjsEmError) throw error;
      throw await this.failure(job, shardJobs, error);
    }
  }

  /** The error of the first failed shard job (by shard order), naming its file. */
  private async failure(job: Job, shardJobs: [string, string][], error: unknown): Promise<TfjsEmError> {
    for (const [id, file] of shardJobs) {
      const child = await Job.fromId(this.queue, id).catch(() => undefined);
      if (child?.failedReason) return new TfjsEmError('CLUSTER', withoutPrefix(child.failedReason, file), file);
    }
    const message = error instanceof Error ? error.message : String(error);
    return new TfjsEmError('CLUSTER', `job ${job.id} failed: ${message}`, shownUrl(this.url));
  }
}

/** Shard `shard`'s answer to pass `pass` of this run, or an error (a stale or foreign result is never used). */
function checkResult(value: unknown, run: string, pass: number, shard: number): ShardResult {
  const r = value as ShardResult | null;
  if (r === null || typeof r !== 'object' || r.run !== run || r.pass !== pass || r.shard !== shard) {
    throw new TfjsEmError('CLUSTER', `a result for another run or pass came back for shard ${shard}, pass ${pass}`);
  }
  return r;
}

function withoutPrefix(reason: string, file: string): string {
  const line = reason.split('\n')[0];
  return line.startsWith(`${file}: `) ? line.slice(file.length + 2) : line;
}

/** One shard held by the workers: each pass is one job. */
class RemoteShard implements DataPasses {
  constructor(
    private readonly cluster: Cluster,
    readonly shard: number,
    readonly file: string,
    readonly nSamples: number,
    readonly nFeatures: number,
  ) {}

  async rows(indices: number[]): Promise<Float64Array> {
    const r = await this.cluster.call('rows', this.shard, this.file, { indices });
    return decodeFloats(r.rows, 'rows', indices.length * this.nFeatures);
  }

  async minDistances(centres: Float64Array, m: number): Promise<Float64Array> {
    const r = await this.cluster.call('min-distances', this.shard, this.file, { k: m, centres: encodeFloats(centres) });
    return decodeFloats(r.distances, 'distances', this.nSamples);
  }

  async kmeansStats(centroids: Float64Array, k: number): Promise<KMeansStats> {
    const r = await this.cluster.call('kmeans-stats', this.shard, this.file, { k, centroids: encodeFloats(centroids) });
    return decodeKMeansStats(r.stats as EncodedKMeansStats, k, this.nFeatures);
  }

  async clusterMoments(centroids: Float64Array, k: number, means: Float64Array): Promise<Float64Array> {
    const r = await this.cluster.call('cluster-moments', this.shard, this.file, { k, centroids: encodeFloats(centroids), means: encodeFloats(means) });
    return decodeFloats(r.moments, 'moments', 2 * k * this.nFeatures);
  }
}

/** A data set whose shards the workers hold: passes combined in shard order, as LocalShards does. */
export class RemoteData extends ShardedPasses<RemoteShard> implements GMMData {
  constructor(private readonly cluster: Cluster, shards: RemoteShard[]) {
    super(shards);
  }

  async gmmStats(machine: GMMMachine): Promise<GMMStats> {
    const [k, d] = machine.shape;
    return this.cluster.gmmStats(this.shards.map((s) => s.file), await machine.toBytes(), k, d);
  }
}
