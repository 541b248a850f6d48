/**
 * The distributed side (BullMQ, ioredis) is loaded only by the commands given a Redis URL:
 * they would add about a third to the start-up time of every other command.
 */
import type { Cluster, ClusterOptions } from '../distributed/cluster.js';
import type { RunningWorker, WorkerOptions } from '../distributed/worker.js';
import path from 'node:path';
import { shownUrl } from '../distributed/url.js';
import type { Args } from './args.js';
import type { Context } from './command.js';
import { CliError, about } from './errors.js';
import { assertOutputFile } from './files.js';

export async function connectCluster(url: string, options: ClusterOptions): Promise<Cluster> {
  const { Cluster } = await import('../distributed/cluster.js');
  return about(shownUrl(url), () => Cluster.connect(url, options));
}

export async function startWorkerOn(url: string, options: WorkerOptions): Promise<RunningWorker> {
  const { startWorker } = await import('../distributed/worker.js');
  return about(shownUrl(url), () => startWorker(url, options));
}

/**
 * Runs a training whose shards are list files on the workers of --redis: the lists resolved
 * (--stats refused: the workers read the lists), `out` checked, the run announced, the cluster
 * closed after it whatever happens.
 */
export async function trainOnLists<T>(
  args: Args,
  remote: { url: string; options: ClusterOptions },
  context: Context,
  { out, inputs, what }: { out: string; inputs: string[]; what: string },
  run: (cluster: Cluster, lists: string[]) => Promise<T>,
): Promise<T> {
  if (args.list('stats') !== undefined) throw new CliError('--stats', `with --redis, give ${what} as --list files (one shard each, read by the workers)`);
  const lists = args.requiredList('list').map((l) => path.resolve(l));
  assertOutputFile(out, [...inputs, ...lists]);
  const cluster = await connectCluster(remote.url, remote.options);
  try {
    context.progress.info(`run ${cluster.run}: ${lists.length} lists on the workers of ${shownUrl(remote.url)}`);
    return await about(lists[0], () => run(cluster, lists));
  } finally {
    await cluster.close();
  }
}
