/**
 * The worker's compute thread: runs shard jobs (file reads, k-means passes, e-steps) off the
 * worker's event loop, so that the main thread keeps renewing the job's lock, answering Redis
 * and signals while a long e-step runs. One job at a time; the shard cache lives here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useBackend, type BackendName } from '../backend/index.js';
import { runShardJob } from './work.js';
import type { ComputeReply, ComputeRequest } from './compute.js';
import { errorFields } from './compute.js';

const port = parentPort!;
try {
  const backend = await useBackend((workerData as { backend: BackendName }).backend);
  port.postMessage({ ready: true, backend });
} catch (error) {
  port.postMessage({ ready: false, error: errorFields(error) });
}

port.on('message', async ({ id, name, job, model }: ComputeRequest) => {
  let reply: ComputeReply;
  try {
    const output = await runShardJob(name, job, model);
    reply = { id, ok: true, output };
  } catch (error) {
    reply = { id, ok: false, error: errorFields(error) };
  }
  const transfer = reply.ok && reply.output.bytes !== undefined ? [reply.output.bytes.buffer as ArrayBuffer] : [];
  port.postMessage(reply, transfer);
});
