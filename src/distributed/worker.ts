/**
 * A worker: takes tfjs-em's jobs from the queue one at a time and runs them in its compute
 * thread, on this process's backend. Its main thread stays free to renew the job's lock (so a
 * short lock is safe, and a dead worker's job is taken over within seconds), to follow Redis
 * through outages (it reconnects for as long as it runs) and to answer signals. It trusts Redis
 * (whoever can write to it can make it read any file under its data root and spend its time),
 * never the payloads: every job is checked (name, schema, sizes, paths) before any file is
 * opened, nothing but tfjs-em's jobs runs, and no data value leaves it in a failure message.
 */
import { Worker, type Job, type JobJsonRaw } from 'bullmq';
import { TfjsEmError } from '../errors.js';
import { LIMITS, MODEL_JOBS, checkShardJob, checkSumJob, insideRoot, SUM_JOB, type ShardJob } from './jobs.js';
import { readPathList, readSpeakerList } from '../io/speakerList.js';
import { PassData } from './passData.js';
import { sumChildren } from './work.js';
import { ComputeThread } from './compute.js';
import { connect, ready } from './connection.js';
import { DEFAULT_QUEUE } from './cluster.js';
import { checkQueueName } from './url.js';
import { badPayload } from './codec.js';

export interface WorkerOptions {
  queue?: string;
  /** Refuse every file outside this folder (links resolved). */
  dataRoot?: string;
  /** The backend the compute thread runs on (default: TFJS_EM_BACKEND, else 'auto'). */
  backend?: string;
  /** How long a job stays locked without a renewal before another worker takes it over (ms, default 5000). */
  lockDuration?: number;
  /** How often this worker looks for jobs whose worker died (ms, default lockDuration / 2). */
  stalledInterval?: number;
  /** Called when a job starts and ends (with the whole error, data values included: it stays here). */
  onJob?: (event: 'start' | 'done' | 'failed', job: Job, error?: Error) => void;
  /** Called when the connection to Redis is lost, and when it is back. */
  onConnection?: (event: 'lost' | 'back', reason?: string) => void;
}

export interface RunningWorker {
  /** The backend the compute thread runs on. */
  backend: string;
  /** Lets the current job finish (at most `graceMs`, default 30 s; not at all while Redis is away), then stops. */
  close(graceMs?: number): Promise<void>;
  /** Stops at once, the current job included (its lock expires and another worker takes it). */
  kill(): Promise<void>;
}

/**
 * A job's lock: renewed every half of it by the worker's free main thread. A dead worker's job
 * is taken over once its lock expired and two stall checks (every half lock) saw it: within
 * about 2 locks.
 */
export const DEFAULT_LOCK_MS = 5000;

export async function startWorker(url: string, options: WorkerOptions = {}): Promise<RunningWorker> {
  const queue = checkQueueName(options.queue ?? DEFAULT_QUEUE);
  const connection = connect(url, { forever: true });
  await ready(connection, url);
  let compute: ComputeThread;
  try {
    compute = await ComputeThread.start(options.backend ?? process.env.TFJS_EM_BACKEND ?? 'auto');
  } catch (error) {
    connection.disconnect();
    throw error;
  }
  followConnection(connection, options.onConnection);
  const lockDuration = options.lockDuration ?? DEFAULT_LOCK_MS;
  const passData = new PassData(connection, queue);
  const worker = new TolerantWorker(queue, (job) => runJob(job, options, passData, compute), {
    connection,
    concurrency: 1,
    lockDuration,
    stalledInterval: options.stalledInterval ?? Math.max(1000, lockDuration / 2),
    maxStalledCount: 2,
  });
  worker.on('active', (job) => options.onJob?.('start', job));
  worker.on('completed', (job) => options.onJob?.('done', job));
  worker.on('error', () => {}); // connection trouble: followed through onConnection
  await worker.waitUntilReady();
  const kill = async () => {
    await Promise.allSettled([compute.terminate(), worker.close(true)]);
    connection.disconnect();
  };
  return {
    backend: compute.backend,
    close: async (graceMs = 30_000) => {
      if (connection.status !== 'ready') return kill(); // the current job could not report anyway
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([worker.close(), grace]);
      clearTimeout(timer);
      await kill();
    },
    kill,
  };
}

/**
 * A job whose stored fields are not JSON (written by something else than tfjs-em) reaches the
 * processor with an unreadable payload, and fails there: BullMQ would throw before processing
 * it, and take it up again after every lock expiry, for ever.
 */
class TolerantWorker extends Worker {
  protected override createJob(data: JobJsonRaw, jobId: string): Job {
    try {
      return super.createJob(data, jobId);
    } catch {
      return super.createJob({ ...data, data: JSON.stringify(UNREADABLE), opts: '{}', progress: '0' }, jobId);
    }
  }
}

const UNREADABLE = 'a payload that is not JSON';

/** Reports each outage once, and its end. */
function followConnection(connection: ReturnType<typeof connect>, report: WorkerOptions['onConnection']): void {
  let down = false;
  let reason = 'connection closed';
  connection.on('error', (e: Error & { code?: string }) => (reason = e.code ?? e.message.split('\n')[0]));
  connection.on('close', () => {
    if (!down) report?.('lost', reason);
    down = true;
  });
  connection.on('ready', () => {
    if (down) report?.('back');
    down = false;
  });
}

async function runJob(job: Job, options: WorkerOptions, passData: PassData, compute: ComputeThread): Promise<unknown> {
  try {
    if (job.data === UNREADABLE) throw badPayload("the job's data is not JSON");
    if (job.name === SUM_JOB) {
      const sum = checkSumJob(job.data);
      await sumChildren(sum, await job.getChildrenValues(), passData);
      return { run: sum.run, pass: sum.pass };
    }
    const checked = checkShardJob(job.name, job.data, options.dataRoot);
    const shardJob = job.name === 'fa-stats'
      ? { ...checked, sessions: sessionsOf(checked.file, options.dataRoot) }
      : job.name === 'iv-stats' ? { ...checked, files: readPathList(checked.file).map((file) => insideRoot(file, options.dataRoot)) } : checked;
    const model = MODEL_JOBS.includes(job.name) ? await passModel(passData, shardJob) : undefined;
    const { result, bytes } = await compute.run(job.name, shardJob, model);
    const tag = { run: shardJob.run, pass: shardJob.pass };
    if (bytes !== undefined) {
      await (job.name === 'gmm-stats' ? passData.putStats(tag, shardJob.shard, bytes) : passData.putResult(tag, shardJob.shard, bytes));
    }
    return { ...tag, shard: shardJob.shard, ...result };
  } catch (error) {
    options.onJob?.('failed', job, error instanceof Error ? error : new Error(String(error)));
    // What others read in Redis (the job's failedReason): the message without the data values it may quote.
    throw new Error(error instanceof TfjsEmError ? error.withoutValues : `${error instanceof Error ? error.message.split('\n')[0] : error}`);
  }
}

/** The sessions of a speaker list file, each path inside the data root (as the list's own is). */
function sessionsOf(list: string, dataRoot: string | undefined): { speaker: string; file: string }[] {
  return readSpeakerList(list).map(({ speaker, file }) => ({ speaker, file: insideRoot(file, dataRoot) }));
}

async function passModel(passData: PassData, job: ShardJob): Promise<Uint8Array | undefined> {
  const size = await passData.modelSize(job);
  if (size > LIMITS.modelBytes) throw badPayload(`the model of pass ${job.pass} is larger than ${LIMITS.modelBytes} bytes`);
  return (await passData.model(job)) ?? undefined;
}
