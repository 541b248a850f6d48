import * as tf from '@tensorflow/tfjs-core';
import { Matrix, chunkRanges } from './matrix.js';
import { yieldToEvents } from './abortable.js';

interface InFlight {
  out: tf.Tensor;
  start: number;
  end: number;
}

/**
 * Runs compute on each centred chunk of x (with its rows' weights, as a float32 tensor, when
 * x has weights) and hands each result, read back to the host, to consume in order. The next
 * chunk is queued on the device before the previous result is awaited, so reads overlap work
 * on asynchronous backends.
 */
export async function streamChunks(
  x: Matrix,
  rows: number,
  shift: Float64Array,
  compute: (y: tf.Tensor2D, w: tf.Tensor1D | null) => tf.Tensor,
  consume: (values: Float32Array, start: number, end: number) => void,
): Promise<void> {
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
