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
 * One iteration on x (the library's Matrix: toMatrix(...) of arrays or of a row source). Returns the
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
