/**
 * The coordinator's side: a data set whose shards are files the workers read. Each pass
 * over the data is one job per shard; an EM e-step is one BullMQ flow (children: the
 * shards' statistics; parent: their float64 sum in shard order). Jobs and results carry
 * this run's id and the pass number, so runs sharing a Redis never mix. Every wait ends:
 * with the result, or with an error naming its cause (Redis gone, a job gone from Redis,
 * no worker on the queue, no progress for `stallTimeout`).
 */
import { randomBytes } from 'node:crypto';
import { FlowProducer, Job, Queue, QueueEvents, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { ShardedPasses, type DataPasses } from '../data/passes.js';
import type { GMMData, GMMMachine } from '../machines/GMMMachine.js';
import type { GMMStats } from '../machines/GMMStats.js';
import type { KMeansStats } from '../math/kmeans/accumulate.js';
import { TfjsEmError, invalidArgument } from '../errors.js';
import { encodeFloats, floatsOf, kmeansStatsFromValues } from './codec.js';
import { clusterError, connect, lost, ready } from './connection.js';
import { checkQueueName, shownUrl } from './url.js';
import { SUM_JOB, type JobTag, type ShardJobName } from './jobs.js';
import { PassData } from './passData.js';
import type { ShardResult } from './work.js';

export const DEFAULT_QUEUE = 'tfjs-em';

export interface ClusterOptions {
  /** The queue the workers listen on (default 'tfjs-em'). */
  queue?: string;
  /** Rows per device chunk on the workers (default: each worker's device limit). */
  chunkSize?: number;
  /** A pass that makes no progress this long fails (ms, default 60000: several worker lock periods). */
  stallTimeout?: number;
  /** Told when a pass waits for a worker (no worker on the queue), once per pass. */
  onWait?: (message: string) => void;
}

/** Completed and failed jobs are removed once read; these are backstops for interrupted runs. */
const KEEP: JobsOptions = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } };
/** Results travel through PassData, so BullMQ's events stream holds small entries; this bounds their number. */
const EVENTS_KEPT = 1000;
const POLL_MS = 1000;

/** What a shard job gave: its return value, and its array when it has one. */
export interface Answer {
  result: ShardResult;
  bytes: Uint8Array | null;
}

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
    private readonly options: ClusterOptions,
  ) {
    this.lostConnection = lost(connection, url);
    this.passData = new PassData(connection, queue.name);
    this.lostConnection.catch(() => {});
  }

  get chunkSize(): number | undefined {
    return this.options.chunkSize;
  }

  static async connect(url: string, options: ClusterOptions = {}): Promise<Cluster> {
    const name = checkQueueName(options.queue ?? DEFAULT_QUEUE);
    const stall = options.stallTimeout;
    if (stall !== undefined && !(Number.isFinite(stall) && stall > 0)) throw invalidArgument(`stallTimeout must be a positive number of ms; got ${stall}`);
    const connection = connect(url);
    await ready(connection, url);
    let events: QueueEvents | undefined;
    try {
      const queue = new Queue(name, { connection, streams: { events: { maxLen: EVENTS_KEPT } } });
      queue.setMaxListeners(0); // one 'closing' listener per job being waited for: one per shard at a time
      const flows = new FlowProducer({ connection });
      events = new QueueEvents(name, { connection: connection.duplicate() });
      await events.waitUntilReady();
      return new Cluster(url, connection, queue, flows, events, options);
    } catch (error) {
      await events?.close().catch(() => {});
      connection.disconnect();
      throw error;
    }
  }

  /**
   * The data set of these files (paths as the workers see them), one shard per file, in the order
   * given; `weights`: each file's sample weights file (one value per row), when weighted.
   */
  async data(files: string[], weights?: string[]): Promise<RemoteData> {
    const shapes = await Promise.all(files.map((file, shard) => this.call('shape', shard, { file, weights: weights?.[shard] }, {})));
    return new RemoteData(
      this,
      files.map((file, shard) => {
        const { nSamples, nFeatures, fingerprint } = shapes[shard].result;
        return new RemoteShard(this, shard, { file, weights: weights?.[shard], fingerprint: fingerprint as string }, nSamples as number, nFeatures as number);
      }),
    );
  }

  /** One job on one shard (its files, and the fingerprint of its first pass): its result, checked to be this run's answer to this job, and its array. */
  async call(name: ShardJobName, shard: number, files: ShardFiles, args: Record<string, unknown>): Promise<Answer> {
    const { file } = files;
    return this.redisErrors(async () => {
      const tag = { run: this.run, pass: ++this.seq };
      try {
        const data = { ...tag, shard, ...files, chunkSize: this.chunkSize, args };
        const job = await this.queue.add(name, data, { ...KEEP, jobId: `${this.run}-${tag.pass}-${shard}`, attempts: 1 });
        const result = checkResult(await this.finished(job, tag, [[job.id!, file]], false), this.run, tag.pass, shard);
        return { result, bytes: await this.passData.takeResult(tag, shard) };
      } finally {
        await this.passData.clear(tag, [shard]).catch(() => {});
      }
    });
  }

  /**
   * One job per shard under one model (HDF5 bytes, stored once for the pass as gmmStats stores
   * its model): each shard's result, checked to be this run's answer, and its array.
   */
  async modelPass(name: ShardJobName, shards: ShardFiles[], model: Uint8Array, args: Record<string, unknown>): Promise<Answer[]> {
    return this.redisErrors(async () => {
      const tag = { run: this.run, pass: ++this.seq };
      try {
        await this.passData.putModel(tag, model);
        const jobs = await Promise.all(shards.map((files, shard) =>
          this.queue.add(name, { ...tag, shard, ...files, chunkSize: this.chunkSize, args }, { ...KEEP, jobId: `${this.run}-${tag.pass}-${shard}`, attempts: 1 })));
        return await Promise.all(jobs.map(async (job, shard) => {
          const result = checkResult(await this.finished(job, tag, [[job.id!, shards[shard].file]], false), this.run, tag.pass, shard);
          return { result, bytes: await this.passData.takeResult(tag, shard) };
        }));
      } finally {
        await this.passData.clear(tag, shards.map((_, shard) => shard)).catch(() => {});
      }
    });
  }

  /** The shards' GMM statistics under the model (HDF5 bytes), summed by the flow's parent. */
  async gmmStats(shards: RemoteShard[], model: Uint8Array, k: number, d: number): Promise<GMMStats> {
    return this.redisErrors(async () => {
      const tag = { run: this.run, pass: ++this.seq };
      try {
        await this.passData.putModel(tag, model);
        await this.sumFlow(shards, tag, k, d);
        const sum = await this.passData.stats(tag, 'sum', k, d);
        if (sum === null) throw new TfjsEmError('CLUSTER', `the sum of pass ${tag.pass} is missing from Redis`);
        return sum;
      } finally {
        await this.passData.clear(tag, shards.map((s) => s.shard)).catch(() => {});
      }
    });
  }

  private async sumFlow(shards: RemoteShard[], tag: JobTag, k: number, d: number): Promise<void> {
    const tree = await this.flows.add({
      name: SUM_JOB,
      queueName: this.queue.name,
      data: { ...tag, shards: shards.length, k, d },
      opts: { ...KEEP, jobId: `${this.run}-${tag.pass}-sum`, attempts: 1 },
      children: shards.map(({ shard, files }) => ({
        name: 'gmm-stats',
        queueName: this.queue.name,
        data: { ...tag, shard, ...files, chunkSize: this.chunkSize, args: {} },
        opts: { ...KEEP, jobId: `${this.run}-${tag.pass}-${shard}`, attempts: 1, failParentOnFailure: true },
      })),
    });
    const shardJobs = shards.map(({ shard, files }): [string, string] => [`${this.run}-${tag.pass}-${shard}`, files.file]);
    const result = await this.finished(tree.job, tag, shardJobs);
    if (result?.run !== this.run || result?.pass !== tag.pass) throw new TfjsEmError('CLUSTER', `the sum of pass ${tag.pass} came back for another run or pass`);
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
   * and the worker's reason; a lost Redis connection, a vanished job or a stalled pass too.
   */
  private async finished(job: Job, tag: JobTag, shardJobs: [string, string][], flow = true): Promise<Record<string, unknown>> {
    const children = flow ? shardJobs.map(([id]) => id) : [];
    const watch = new PassWatch(this.queue, this.connection, job.id!, children, tag, this.options, this.url);
    try {
      const value = await Promise.race([job.waitUntilFinished(this.events), watch.finished, this.lostConnection, watch.failure]);
      await job.remove({ removeChildren: true }).catch(() => {});
      return value as Record<string, unknown>;
    } catch (error) {
      if (error instanceof TfjsEmError) throw error;
      throw await this.failure(job, tag, shardJobs, error);
    } finally {
      watch.stop();
    }
  }

  /** The error of the first failed shard job (by shard order), naming its file. */
  private async failure(job: Job, tag: JobTag, shardJobs: [string, string][], error: unknown): Promise<TfjsEmError> {
    for (const [id, file] of shardJobs) {
      const child = await Job.fromId(this.queue, id).catch(() => undefined);
      if (child?.failedReason) return new TfjsEmError('CLUSTER', withoutPrefix(child.failedReason, file), file);
    }
    const message = error instanceof Error ? error.message : String(error);
    if (/Missing key for job/.test(message)) return vanished(this.url, job.id!, tag.pass);
    return new TfjsEmError('CLUSTER', `job ${job.id} failed: ${message}`, shownUrl(this.url));
  }
}

/**
 * Watches a pass's jobs while the coordinator waits for them, rejecting `failure` when the
 * wait could never end: a job gone from Redis (a restart or a flush), or no progress for the
 * stall timeout (no job of the pass changed state and no job on the queue is held by a live
 * worker's lock). Says once when nobody listens on the queue. `finished` settles as the job
 * does when its state says it has ended: BullMQ's completion event can be missed (a job that
 * ends while the events stream is not being read, under load), and the wait must not hang on it.
 */
class PassWatch {
  readonly failure: Promise<never>;
  readonly finished: Promise<unknown>;
  private ended!: { resolve(value: unknown): void; reject(error: Error): void };
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly queue: Queue,
    private readonly redis: Redis,
    private readonly parent: string,
    private readonly children: string[],
    private readonly tag: JobTag,
    private readonly options: ClusterOptions,
    private readonly url: string,
  ) {
    this.finished = new Promise((resolve, reject) => (this.ended = { resolve, reject }));
    this.finished.catch(() => {});
    this.failure = new Promise((_, reject) => this.poll(reject, '', performance.now(), false));
    this.failure.catch(() => {});
  }

  /** The parent job's own outcome, read from Redis once its state is final; false when it is gone meanwhile. */
  private async settle(state: string): Promise<boolean> {
    const job = await Job.fromId(this.queue, this.parent);
    if (job === undefined) return false; // the vanished check says so at the next poll
    if (state === 'completed') this.ended.resolve(job.returnvalue);
    else this.ended.reject(new Error(job.failedReason || `job ${this.parent} failed`));
    return true;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private poll(reject: (error: TfjsEmError) => void, before: string, since: number, told: boolean): void {
    this.timer = setTimeout(async () => {
      if (this.stopped) return;
      try {
        const ids = [...this.children, this.parent];
        const states = await Promise.all(ids.map((id) => this.queue.getJobState(id)));
        const gone = states.findIndex((s) => s === 'unknown');
        if (gone >= 0 && !this.stopped) return reject(vanished(this.url, ids[gone], this.tag.pass));
        const last = states[states.length - 1];
        if ((last === 'completed' || last === 'failed') && !this.stopped && (await this.settle(last))) return;
        const now = performance.now();
        const signature = states.join();
        const moving = signature !== before || (await this.workerHoldsAJob());
        const quiet = moving ? 0 : now - since;
        const workers = moving ? 1 : await this.queue.getWorkersCount().catch(() => -1);
        if (workers === 0 && !told) this.options.onWait?.(`no worker listens on queue ${this.queue.name} at ${shownUrl(this.url)}: waiting (start one with tfjs-em worker --redis URL)`);
        const limit = this.options.stallTimeout ?? 60_000;
        if (quiet > limit && !this.stopped) {
          const counts = states.reduce<Record<string, number>>((c, s) => ((c[s] = (c[s] ?? 0) + 1), c), {});
          const who = workers === 0 ? 'no worker listens on the queue' : workers > 0 ? `${workers} worker(s) on the queue` : 'workers unknown';
          return reject(clusterError(this.url, `pass ${this.tag.pass} made no progress for ${Math.round(limit / 1000)} s (jobs: ${Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ')}; ${who}) on queue ${this.queue.name}`));
        }
        this.poll(reject, signature, moving ? now : since, told || workers === 0);
      } catch {
        this.poll(reject, before, since, told); // Redis unreachable for now: the connection's own loss ends the wait
      }
    }, POLL_MS);
  }

  /** Whether a job on the queue (any run's) is active under a live lock: some worker is alive and busy. */
  private async workerHoldsAJob(): Promise<boolean> {
    const active = await this.redis.lrange(this.queue.keys.active, 0, 99);
    if (active.length === 0) return false;
    return (await this.redis.exists(...active.map((id) => `${this.queue.toKey(id)}:lock`))) > 0;
  }
}

function vanished(url: string, job: string, pass: number): TfjsEmError {
  return clusterError(url, `job ${job} of pass ${pass} is gone from Redis: the server restarted or was flushed during the run`);
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

/** The float64 array a shard job returned, checked to hold `length` values. */
function arrayOf(answer: Answer, what: string, length: number): Float64Array {
  if (answer.bytes === null) throw new TfjsEmError('CLUSTER', `the ${what} of shard ${answer.result.shard} are missing from Redis`);
  return floatsOf(answer.bytes, what, length);
}

/** A shard's files as jobs name them: its data, its weights (when weighted), and its first pass's fingerprint. */
export interface ShardFiles {
  file: string;
  weights?: string;
  fingerprint?: string;
}

/** One shard held by the workers: each pass is one job, which checks the files are the ones the run began with. */
export class RemoteShard implements DataPasses {
  constructor(
    private readonly cluster: Cluster,
    readonly shard: number,
    readonly files: ShardFiles,
    readonly nSamples: number,
    readonly nFeatures: number,
  ) {}

  get file(): string {
    return this.files.file;
  }

  private call(name: ShardJobName, args: Record<string, unknown>): Promise<Answer> {
    return this.cluster.call(name, this.shard, this.files, args);
  }

  async rows(indices: number[]): Promise<Float64Array> {
    return arrayOf(await this.call('rows', { indices }), 'rows', indices.length * this.nFeatures);
  }

  async minDistances(centres: Float64Array, m: number): Promise<Float64Array> {
    return arrayOf(await this.call('min-distances', { k: m, centres: encodeFloats(centres) }), 'distances', this.nSamples);
  }

  async kmeansStats(centroids: Float64Array, k: number): Promise<KMeansStats> {
    const d = this.nFeatures;
    return kmeansStatsFromValues(arrayOf(await this.call('kmeans-stats', { k, centroids: encodeFloats(centroids) }), 'k-means statistics', k + k * d + 2), k, d);
  }

  async clusterMoments(centroids: Float64Array, k: number, means: Float64Array): Promise<Float64Array> {
    const answer = await this.call('cluster-moments', { k, centroids: encodeFloats(centroids), means: encodeFloats(means) });
    return arrayOf(answer, 'moments', 2 * k * this.nFeatures);
  }

  async weights(): Promise<Float64Array | null> {
    return this.files.weights === undefined ? null : arrayOf(await this.call('weights', {}), 'weights', this.nSamples);
  }
}

/** A data set whose shards the workers hold: passes combined in shard order, as LocalShards does. */
export class RemoteData extends ShardedPasses<RemoteShard> implements GMMData {
  constructor(private readonly cluster: Cluster, shards: RemoteShard[]) {
    super(shards);
  }

  async gmmStats(machine: GMMMachine): Promise<GMMStats> {
    const [k, d] = machine.shape;
    return this.cluster.gmmStats(this.shards, await machine.toBytes(), k, d);
  }
}
