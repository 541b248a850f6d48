// The same fit on this project's backend and on cpu: ML from given means (and
// from k-means), 10 ML steps updating everything, then 1 MAP step.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { expectClose, maxRelativeError } from '../helpers/expectClose.js';
import { clusters } from '../helpers/synthetic.js';

/**
 * Relative tolerances against cpu, with an absolute floor (data units) for
 * values near 0. Every backend's e-step takes moments about each Gaussian's own
 * mean (with E[y^2] - mu^2 about one shared point, wasm's variances were 1.6e-5 away).
 */
const RTOL = { means: 1e-5, weights: 1e-5, variances: 1e-5 };
const ATOL = 1e-6;

const CENTRES = [
  [-4, 2, 0, 3, 1, -2, 5, 0],
  [3, -3, 4, 0, -1, 2, -4, 1],
  [0, 5, -3, -4, 3, 0, 1, -5],
  [5, 0, 2, -2, -5, 4, 0, 3],
];
const DATA = clusters(CENTRES, 500, 1.2, 7); // 2000 x 8

interface Fitted {
  ml: { means: Float64Array; variances: Float64Array; weights: Float64Array };
  map: { means: Float64Array; variances: Float64Array; weights: Float64Array };
}

const ALL = { updateMeans: true, updateVariances: true, updateWeights: true };

async function fit(init: 'given' | 'k-means'): Promise<Fitted> {
  const ml = new GMMMachine(4, { ...ALL, convergenceThreshold: null, maxFittingSteps: 10, randomState: 3 });
  if (init === 'given') {
    // The centres, displaced: EM has work to do.
    ml.means = CENTRES.map((c) => c.map((v, j) => v + (j % 2 === 0 ? 0.7 : -0.4)));
    ml.variances = CENTRES.map((c) => c.map(() => 2));
  }
  await ml.fit(DATA);
  const map = new GMMMachine(4, { ...ALL, trainer: 'map', ubm: ml, maxFittingSteps: 1, convergenceThreshold: null });
  await map.fit(DATA.slice(0, 600));
  const copy = (m: GMMMachine) => ({ means: m.means.slice(), variances: m.variances.slice(), weights: m.weights.slice() });
  const out = { ml: copy(ml), map: copy(map) };
  ml.dispose();
  map.dispose();
  return out;
}

/** The fit here, then the same on cpu (tf.setBackend, as a user would), then back. */
async function againstCpu(init: 'given' | 'k-means'): Promise<[Fitted, Fitted]> {
  const backend = tf.getBackend();
  const here = await fit(init);
  await tf.setBackend('cpu');
  try {
    return [here, await fit(init)];
  } finally {
    await tf.setBackend(backend);
  }
}

function expectParity(here: Fitted, cpu: Fitted): void {
  for (const step of ['ml', 'map'] as const) {
    for (const field of ['means', 'variances', 'weights'] as const) {
      try {
        expectClose(here[step][field], cpu[step][field], RTOL[field], ATOL);
      } catch (error) {
        const worst = maxRelativeError(here[step][field], cpu[step][field]);
        throw new Error(`${tf.getBackend()} vs cpu, ${step} ${field} (max relative error ${worst.toExponential(2)}): ${(error as Error).message}`);
      }
    }
  }
}

describe('parity with cpu (means, weights and variances 1e-5 relative)', () => {
  test('ML from given means (10 steps, all parameters), then 1 MAP step', async () => {
    const [here, cpu] = await againstCpu('given');
    expectParity(here, cpu);
  });

  test('ML from k-means (seeded), then 1 MAP step', async () => {
    const [here, cpu] = await againstCpu('k-means');
    expectParity(here, cpu);
  });
});
