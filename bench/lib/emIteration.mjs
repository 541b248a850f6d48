// One EM iteration exactly as GMMMachine.fit runs one (the e-step streamed over device
// chunks and accumulated in float64, then the float64 m-step of every parameter), with the
// e-step path chosen: 'plain' (TF.js ops) or 'fused' (kernels/). Built on dist/ (npm run build).
import * as tf from '@tensorflow/tfjs-core';
import { streamChunks } from '../../dist/src/data/streamChunks.js';
import { chunkRows } from '../../dist/src/backend/limits.js';
import { eStepChunkFor } from '../../dist/src/math/gmm/eStepKernels.js';
import { accumulateChunk } from '../../dist/src/math/gmm/accumulate.js';
import { centreOfMeans, gemmCoefficients } from '../../dist/src/math/gmm/params.js';
import { GMMMachine } from '../../dist/src/machines/GMMMachine.js';
import { GMMStats } from '../../dist/src/machines/GMMStats.js';

/** A machine that updates all parameters, at the given start. */
export function machineAt(start) {
  const machine = new GMMMachine(start.weights.length, { updateMeans: true, updateVariances: true, updateWeights: true });
  resetMachine(machine, start);
  return machine;
}

export function resetMachine(machine, start) {
  machine.weights = start.weights;
  machine.means = start.means;
  machine.variances = start.variances;
}

/**
 * One iteration on x (the library's Matrix: toMatrix(...) or a row source). Returns the
 * e-step's average log-likelihood and the sum of the new means, to compare runs.
 */
export async function emIteration(machine, x, mode) {
  const params = machine.params();
  const [k, d] = machine.shape;
  const shift = centreOfMeans(params);
  const { weights, bias } = gemmCoefficients(params, shift);
  // The GEMM form, as GMMMachine uses for K * D > 1024 (every bench size).
  const g = { form: 'gemm', weights: tf.tensor2d(Float32Array.from(weights), [2 * d, k]), bias: tf.tensor1d(Float32Array.from(bias)) };
  const stats = new GMMStats(k, d);
  const eStep = eStepChunkFor(mode);
  try {
    await streamChunks(x, chunkRows(k, d), shift, (y) => eStep(y, g), (v, start, end) => accumulateChunk(stats, v, shift, end - start));
  } finally {
    g.weights.dispose();
    g.bias.dispose();
  }
  machine.mStep(stats);
  return { avgLL: stats.logLikelihood / stats.t, meanChecksum: machine.means.reduce((s, v) => s + v, 0) };
}

/**
 * The library's Matrix over a row source ({ nSamples, nFeatures, fill(start, end, out) }):
 * each chunk is generated, centred and uploaded on demand, so no more than one chunk of
 * rows is ever held (see docs/speed.md for the proposed library version).
 */
export class SourceMatrix {
  constructor(source) {
    this.source = source;
    this.nSamples = source.nSamples;
    this.nFeatures = source.nFeatures;
  }

  chunk(start, end, shift) {
    const d = this.nFeatures;
    const out = this.source.fill(start, end, new Float32Array((end - start) * d));
    for (let o = 0; o < out.length; o += d) for (let j = 0; j < d; j++) out[o + j] -= shift[j];
    return tf.tensor2d(out, [end - start, d], 'float32');
  }

  async rows(indices) {
    const d = this.nFeatures;
    const out = new Float64Array(indices.length * d);
    const row = new Float32Array(d);
    indices.forEach((r, i) => out.set(this.source.fill(r, r + 1, row), i * d));
    return out;
  }
}
