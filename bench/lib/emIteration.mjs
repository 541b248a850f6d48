// One EM iteration as GMMMachine.fit runs one (the e-step streamed over device chunks and
// accumulated in float64, then the float64 m-step of every parameter), with the e-step path
// chosen: 'plain' (TF.js ops) or 'fused' (kernels/). Built on dist/ (npm run build).
import { GMMMachine } from '../../dist/src/machines/GMMMachine.js';

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
  machine.eStep = mode;
  const stats = await machine.accStats(x);
  machine.mStep(stats);
  return { avgLL: stats.logLikelihood / stats.t, meanChecksum: machine.means.reduce((s, v) => s + v, 0) };
}
