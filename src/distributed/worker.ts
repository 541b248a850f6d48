/**
 * A worker: takes tfjs-em's jobs from the queue one at a time and runs them on this
 * process's backend. It trusts Redis (whoever can write to it can make it read any file
 * under its data root and spend its time), never the payloads: every job is checked (name,
 * schema, sizes, paths) before any file is opened, and nothing but tfjs-em's jobs runs.
 */
import { Worker, type Job } from 'bullmq';
import { checkShardJob, checkSumJob, SUM_JOB } from './jobs.js';
import { PassData } from './passData.js';
import { runShardJob, sumChildren } from './work.js';
import { connect, lost, ready } from './connection.js';
import { DEFAULT_QUEUE } from './cluster.js';

export interface WorkerOptions {
  queue?: string;
  /** Refuse every file outside this folder (links resolved). */
  dataRoot?: string;
  /** How long a job stays locked without a renewal before another worker takes it over (ms, default 60000). */
  lockDuration?: number;
  /** How often this worker looks for jobs whose worker died (ms, default lockDuration / 2). */
  stalledInterval?: number;
  /** Called when a job starts and ends. */
  onJob?: (event: 'start' | 'done' | 'failed', job: Job, error?: Error) => void;
}

export interface RunningWorker {
  /** Resolves when the connection to Redis is given up. */
  lost: Promise<never>;
  /** Finishes the current job, then stops. */
  close(): Promise<void>;
}

export async function startWorker(url: string, options: WorkerOptions = {}): Promise<RunningWorker> {
  const connection = connect(url);
  await ready(connection, url);
  const lockDuration = options.lockDuration ?? 60_000;
  const queue = options.queue ?? DEFAULT_QUEUE;
  const passData = new PassData(connection, queue);
  const worker = new Worker(queue, (job) => runJob(job, options, passData), {
    connection,
    concurrency: 1,
    lockDuration,
    stalledInterval: options.stalledInterval ?? Math.max(1000, lockDuration / 2),
    maxStalledCount: 2,
  });
  worker.on('active', (job) => options.onJob?.('start', job));
  worker.on('completed', (job) => options.onJob?.('done', job));
  worker.on('failed', (job, error) => job && options.onJob?.('failed', job, error));
  worker.on('error', () => {}); // connection trouble: reported through lost
  await worker.waitUntilReady();
  return {
    lost: lost(connection, url),
    close: async () => {
      await worker.close();
      connection.disconnect();
    },
  };
}

async function runJob(job: Job, options: WorkerOptions, passData: PassData): Promise<unknown> {
  if (job.name === SUM_JOB) {
    const sum = checkSumJob(job.data);
    await sumChildren(sum, await job.getChildrenValues(), passData);
    return { run: sum.run, pass: sum.pass };
  }
  return runShardJob(job.name, checkShardJob(job.name, job.data, options.dataRoot), passData);
}
