import * as tf from '@tensorflow/tfjs-core';
import { type Matrix, type StoredRows, chunkRanges } from './matrix.js';
import { yieldToEvents } from './abortable.js';

interface InFlight {
  out: tf.Tensor;
  start: number;
  end: number;
}

/** A chunk computation's twin on the host: the same output from rows as stored, centred by its kernel (no tensors). */
export type HostCompute = (rows: StoredRows, n: number, shift: Float64Array, w: Float32Array | null) => Float32Array;

/** What runs on each chunk: a device computation, with its host twin where one applies now. */
export type ChunkCompute = ((y: tf.Tensor2D, w: tf.Tensor1D | null) => tf.Tensor) & { host?: HostCompute };

/**
 * Runs compute on each centred chunk of x (with its rows' weights, as a float32 tensor, when
 * x has weights) and hands each result, read back to the host, to consume in order. The next
 * chunk is queued on the device before the previous result is awaited, so reads overlap work
 * on asynchronous backends. Where compute has a host twin and x its rows on the host, the
 * twin runs on the rows as stored instead.
 */
export async function streamChunks(
  x: Matrix,
  rows: number,
  shift: Float64Array,
  compute: ChunkCompute,
  consume: (values: Float32Array, start: number, end: number) => void,
): Promise<void> {
  const { host } = compute;
  if (host !== undefined && x.storedRows !== undefined) {
    // The host kernel reads the rows where they are stored: no centred copy, no tensors.
    for (const [start, end] of chunkRanges(x.nSamples, rows)) {
      const weights = x.sampleWeight ? Float32Array.from(x.sampleWeight.subarray(start, end)) : null;
      consume(host(x.storedRows(start, end, shift), end - start, shift, weights), start, end);
      await yieldToEvents();
    }
    return;
  }
  const inFlight: InFlight[] = [];
  const readOldest = async () => {
    const { out, start, end } = inFlight[0];
    try {
      consume((await out.data()) as Float32Array, start, end);
    } finally {
      inFlight.shift();
      out.dispose();
    }
    await yieldToEvents();
  };
  try {
    for (const [start, end] of chunkRanges(x.nSamples, rows)) {
      const weights = x.sampleWeight ? Float32Array.from(x.sampleWeight.subarray(start, end)) : null;
      inFlight.push({ out: tf.tidy(() => compute(x.chunk(start, end, shift), weights && tf.tensor1d(weights))), start, end });
      if (inFlight.length > 1) await readOldest();
    }
    while (inFlight.length > 0) await readOldest();
  } finally {
    for (const { out } of inFlight) out.dispose();
  }
}
