/** tfjs-em worker: runs tfjs-em's jobs from a Redis queue until SIGTERM or Ctrl-C. */
import { shownUrl } from '../distributed/url.js';
import { startWorkerOn } from './cluster.js';
import type { Args } from './args.js';
import { type Command, type Context } from './command.js';
import { about } from './errors.js';
import type { Result } from './format.js';
import { isDirectory } from './files.js';
import { CliError } from './errors.js';
import { queueOption, redisOption } from './redisOptions.js';

export const worker: Command = {
  name: 'worker',
  summary: 'run the jobs of distributed train and adapt runs (BullMQ on Redis)',
  usage: `Usage: tfjs-em worker --redis URL [--backend B] [--data-root DIR]

Takes tfjs-em's jobs (per-shard e-steps, k-means passes, MAP adaptations) from the
queue one at a time and runs them in a compute thread. SIGTERM or Ctrl-C finishes the
current job (30 s at most), then exits 0; a second one exits at once. A job whose
worker dies is taken over by another worker once its lock expires. While Redis is
unreachable the worker waits for it, and goes on when it is back.
The worker trusts the Redis server: see docs/distributed.md.

  --redis URL          redis://[:password@]host:port or rediss://... (TLS)
  --queue NAME         the queue (default tfjs-em)
  --data-root DIR      refuse every data file outside this folder
  --lock-duration MS   a job's lock; a dead worker's job is retried within about twice that (default 5000)
  --backend NAME       cpu, wasm, webgl, webgpu, tensorflow or auto (default: $TFJS_EM_BACKEND, else auto)`,
  options: { redis: 'value', queue: 'value', 'data-root': 'value', 'lock-duration': 'value', backend: 'value' },
  run,
};

async function run(args: Args, context: Context): Promise<Result> {
  const url = redisOption(args, true)!;
  const queue = queueOption(args);
  const dataRoot = args.string('data-root');
  if (dataRoot !== undefined && !isDirectory(dataRoot)) throw new CliError(dataRoot, 'no such folder');
  const lockDuration = args.positiveInteger('lock-duration');
  const requested = await context.backend();
  let jobs = 0;
  const running = await startWorkerOn(url, {
    queue,
    dataRoot,
    lockDuration,
    backend: requested,
    onJob: (event, job, error) => {
      if (event === 'done') jobs++;
      const shard = typeof job.data?.file === 'string' ? ` ${job.data.file}` : '';
      if (event === 'failed') context.progress.info(`job ${job.id} ${job.name}${shard} failed: ${error?.message.split('\n')[0]}`);
      else if (event === 'start') context.progress.info(`job ${job.id} ${job.name}${shard} started`);
    },
    onConnection: (event, reason) =>
      context.progress.info(event === 'lost' ? `lost Redis at ${shownUrl(url)} (${reason}): waiting for it` : `Redis at ${shownUrl(url)} is back`),
  });
  context.progress.info(`worker on ${shownUrl(url)} (${running.backend}): waiting for jobs`);
  // The first SIGTERM (or Ctrl-C, see main) lets the current job finish; a second SIGTERM stops at once.
  const stop = new Promise<void>((resolve) => {
    process.once('SIGTERM', () => {
      process.once('SIGTERM', () => void running.kill().finally(() => process.exit(143)));
      resolve();
    });
    context.signal.addEventListener('abort', () => resolve());
  });
  await about(shownUrl(url), () => stop);
  context.progress.info('stopping: the current job finishes first');
  await running.close();
  const json = { backend: running.backend, jobs };
  return { json, columns: Object.keys(json), rows: [Object.values(json)], vertical: true };
}
