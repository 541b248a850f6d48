/**
 * tfjs-em/distributed (Node): EM and k-means over shards held by tfjs-em workers on a
 * Redis (BullMQ). `const data = await (await Cluster.connect(url)).data(files)`, then
 * `gmm.fitShards(data)`: the same model as `gmm.fitShards(await LocalShards.of(matrices))`.
 */
export { Cluster, RemoteData, DEFAULT_QUEUE } from './cluster.js';
export type { ClusterOptions } from './cluster.js';
export { startWorker } from './worker.js';
export type { WorkerOptions, RunningWorker } from './worker.js';
export { fitOnCluster } from './factorAnalysis.js';
export type { ClusterFitSummary } from './factorAnalysis.js';
export { fitIVectorOnCluster } from './ivector.js';
