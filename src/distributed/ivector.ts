/**
 * i-vector (total variability) training on workers: each shard is a list file of statistics
 * files; every EM step stores the machine (T, Sigma and the UBM, HDF5) for its pass, each worker
 * returns its shard's e-step sums, and the coordinator adds them in list order and runs the
 * m-step. The sums travel with sum N E[w w^T] on its upper triangles (it is symmetric):
 * C R (R + 1) / 2 + C D R + C D + C float64 values a shard.
 */
import { TfjsEmError } from '../errors.js';
import { IVectorMachine } from '../machines/IVectorMachine.js';
import { type IVectorAccumulators, type IVectorShape, addAccumulators, completeAccumulators, emptyAccumulators } from '../math/ivector.js';
import type { Cluster } from './cluster.js';
import { badPayload, bytesOf, floatsOf } from './codec.js';
import type { ShardJob } from './jobs.js';
import { statsUnder } from './statsFiles.js';
import type { ShardOutput } from './work.js';

/** A Redis value holds at most 512 MiB (proto-max-bulk-len): the sums of a shard must fit one. */
const MAX_VALUES = (512 * 1024 * 1024) / 8;

export function packedLength({ c, d, r }: IVectorShape): number {
  return (c * r * (r + 1)) / 2 + c * d * r + c * d + c;
}

/** The worker's side: the shard's e-step sums under the pass's machine. */
export async function ivectorStats(job: ShardJob, model: Uint8Array | undefined): Promise<ShardOutput> {
  if (model === undefined) throw badPayload(`the model of run ${job.run}, pass ${job.pass} is not in Redis (the run ended or moved on)`);
  const machine = await IVectorMachine.fromHDF5(model);
  try {
    const stats = await statsUnder(job.files ?? [], machine.ubm, job.file);
    const shape = { c: machine.ubm.nGaussians, d: machine.ubm.nFeatures, r: machine.dimT };
    return { result: { utterances: stats.length }, bytes: bytesOf(pack(machine.eStep(stats), shape)) };
  } finally {
    machine.dispose();
  }
}

function pack(acc: IVectorAccumulators, shape: IVectorShape): Float64Array {
  const { c, r } = shape;
  const out = new Float64Array(packedLength(shape));
  let at = 0;
  for (let g = 0; g < c; g++) for (let a = 0; a < r; a++) for (let b = a; b < r; b++) out[at++] = acc.nijSigmaWij2[g * r * r + a * r + b];
  for (const part of [acc.fnormSigmaWij, acc.snormij, acc.nij]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function unpack(values: Float64Array, shape: IVectorShape): IVectorAccumulators {
  const { c, d, r } = shape;
  const acc = emptyAccumulators(shape);
  let at = 0;
  for (let g = 0; g < c; g++) for (let a = 0; a < r; a++) for (let b = a; b < r; b++) acc.nijSigmaWij2[g * r * r + a * r + b] = values[at++];
  for (const [part, length] of [[acc.fnormSigmaWij, c * d * r], [acc.snormij, c * d], [acc.nij, c]] as const) {
    part.set(values.subarray(at, at + length));
    at += length;
  }
  return completeAccumulators(acc, shape);
}

/**
 * The coordinator's side: maxIterations EM steps from the machine's T and Sigma (bob's start
 * where unset), the e-steps on the workers, one job per list file.
 */
export async function fitIVectorOnCluster(machine: IVectorMachine, cluster: Cluster, lists: string[], onStep: (step: number) => void): Promise<{ utterances: number }> {
  const shape = { c: machine.ubm.nGaussians, d: machine.ubm.nFeatures, r: machine.dimT };
  const length = packedLength(shape);
  if (length > MAX_VALUES) {
    throw new TfjsEmError('INVALID_ARGUMENT', `a shard's i-vector sums would hold ${length} values (C ${shape.c}, D ${shape.d}, R ${shape.r}); a Redis value holds at most ${MAX_VALUES}: lower the rank or train on one machine`);
  }
  machine.initialize();
  let utterances = 0;
  for (let step = 1; step <= machine.maxIterations; step++) {
    const answers = await cluster.modelPass('iv-stats', lists.map((file) => ({ file })), await machine.toBytes(), {});
    utterances = answers.reduce((n, a) => n + Number(a.result.utterances), 0);
    const sum = emptyAccumulators(shape);
    answers.forEach((a, shard) => {
      if (a.bytes === null) throw new TfjsEmError('CLUSTER', `the sums of shard ${shard} (${lists[shard]}) are missing from Redis`);
      addAccumulators(sum, unpack(floatsOf(a.bytes, `the sums of ${lists[shard]}`, length), shape));
    });
    machine.mStep(sum);
    onStep(step);
  }
  return { utterances };
}
