/** tfjs-em worker: runs tfjs-em's jobs from a Redis queue until SIGTERM or Ctrl-C. */
import { shownUrl } from '../distributed/url.js';
import { startWorkerOn } from './cluster.js';
import type { Args } from './args.js';
import { type Command, type Context } from './command.js';
import { about } from './errors.js';
import type { Result } from './format.js';
import { isDirectory } from './files.js';
import { CliError } from './errors.js';

export const worker: Command = {
  name: 'worker',
  summary: 'run the jobs of distributed train and adapt runs (BullMQ on Redis)',
  usage: `Usage: tfjs-em worker --redis URL [--backend B] [--data-root DIR]

Takes tfjs-em's jobs (per-shard e-steps, k-means passes, MAP adaptations) from the
queue one at a time. SIGTERM or Ctrl-C finishes the current job, then exits 0.
A job whose worker dies is taken over by another worker once its lock expires.
The worker trusts the Redis server: see docs/distributed.md.

  --redis URL          redis://[:password@]host:port or rediss://... (TLS)
  --queue NAME         the queue (default tfjs-em)
  --data-root DIR      refuse every data file outside this folder
  --lock-duration MS   a job's lock; a dead worker's job is retried after it (default 60000)
  --backend NAME       cpu, wasm, webgl, webgpu, tensorflow or auto (default: $TFJS_EM_BACKEND, else auto)`,
  options: { redis: 'value', queue: 'value', 'data-root': 'value', 'lock-duration': 'value', backend: 'value' },
  run,
};

async function run(args: Args, context: Context): Promise<Result> {
  const url = args.requiredString('redis');
  const dataRoot = args.string('data-root');
  if (dataRoot !== undefined && !isDirectory(dataRoot)) throw new CliError(dataRoot, 'no such folder');
  const lockDuration = args.positiveInteger('lock-duration');
  const backend = await context.backend();
  let jobs = 0;
  const running = await startWorkerOn(url, {
    queue: args.string('queue'),
    dataRoot,
    lockDuration,
    onJob: (event, job, error) => {
      if (event === 'done') jobs++;
      const shard = job.data?.file === undefined ? '' : ` ${job.data.file}`;
      if (event === 'failed') context.progress.info(`job ${job.id} ${job.name}${shard} failed: ${error?.message.split('\n')[0]}`);
      else if (event === 'start') context.progress.info(`job ${job.id} ${job.name}${shard} started`);
    },
  });
  context.progress.info(`worker on ${shownUrl(url)} (${backend}): waiting for jobs`);
  const stop = new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    context.signal.addEventListener('abort', () => resolve());
  });
  try {
    await about(shownUrl(url), () => Promise.race([stop, running.lost]));
  } finally {
    await running.close();
  }
  const json = { backend, jobs };
  return { json, columns: Object.keys(json), rows: [Object.values(json)], vertical: true };
}
