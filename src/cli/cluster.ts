/**
 * The distributed side (BullMQ, ioredis) is loaded only by the commands given a Redis URL:
 * they would add about a third to the start-up time of every other command.
 */
import type { Cluster, ClusterOptions } from '../distributed/cluster.js';
import type { RunningWorker, WorkerOptions } from '../distributed/worker.js';
import { shownUrl } from '../distributed/url.js';
import { about } from './errors.js';

export async function connectCluster(url: string, options: ClusterOptions): Promise<Cluster> {
  const { Cluster } = await import('../distributed/cluster.js');
  return about(shownUrl(url), () => Cluster.connect(url, options));
}

export async function startWorkerOn(url: string, options: WorkerOptions): Promise<RunningWorker> {
  const { startWorker } = await import('../distributed/worker.js');
  return about(shownUrl(url), () => startWorker(url, options));
}
