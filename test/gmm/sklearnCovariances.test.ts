/**
 * Full, tied and spherical covariances against Debian's scikit-learn (GaussianMixture with
 * covariance_type, weights_init, means_init, precisions_init, max_iter 10, tol 0): the same
 * 10 EM steps from the same start give weights within 1e-6, means within 1e-5 of the feature's
 * standard deviation and covariances within 1e-5 relative (Frobenius); then with the same
 * parameters, score_samples within 1e-5 of max(|ll|, 1), predict_proba within 1e-5 absolute,
 * predict equal, bic and aic within 1e-6 relative (scikit-learn's parameter counts per type),
 * and sample's draws of the covariances (4 standard errors).
 */
import { execFileSync } from 'node:child_process';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { expectClose } from '../helpers/expectClose.js';
import { correlatedModel, sampleModel } from '../helpers/correlated.js';
import { relativeFrobenius as frobenius } from '../helpers/covariance64.js';

const PYTHON = '/usr/bin/python3';
const K = 3;
const D = 3;
type Type = 'full' | 'tied' | 'spherical';

interface Reference {
  weights: number[];
  means: number[][];
  covariances: number[] | number[][] | number[][][];
  scoreSamples: number[];
  predictProba: number[][];
  predict: number[];
  bic: number;
  aic: number;
}

function sklearn(type: Type, x: number[][], start: { weights: number[]; means: number[][]; precisions: unknown }): Reference {
  const script = `
import json, sys, warnings
import numpy as np
from sklearn.mixture import GaussianMixture
warnings.simplefilter('ignore')
p = json.loads(sys.stdin.read())
x = np.array(p['x'])
gm = GaussianMixture(${K}, covariance_type='${type}', weights_init=np.array(p['weights']), means_init=np.array(p['means']),
                     precisions_init=np.array(p['precisions']), max_iter=10, tol=0, reg_covar=1e-6)
gm.fit(x)
print(json.dumps({'weights': gm.weights_.tolist(), 'means': gm.means_.tolist(), 'covariances': gm.covariances_.tolist(),
                  'scoreSamples': gm.score_samples(x).tolist(), 'predictProba': gm.predict_proba(x).tolist(),
                  'predict': gm.predict(x).tolist(), 'bic': gm.bic(x), 'aic': gm.aic(x)}))`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify({ x, ...start }), encoding: 'utf8' }));
}

describe.each(['full', 'tied', 'spherical'] as const)('%s covariances against scikit-learn', (type) => {
  const truth = correlatedModel(type, K, D, { condition: 30, offset: 5, spread: 2.5, seed: 3 });
  const x = sampleModel(truth, 900, 4);
  const means = truth.means.map((m) => m.map((v, j) => v + 0.3 * (j - 1)));
  const unit = (s: number) => Array.from({ length: D }, (_, a) => Array.from({ length: D }, (_, b) => (a === b ? s : 0)));
  // scikit-learn's precisions_init: inverse covariances ([K, D, D], [D, D] or [K])
  const precisions = type === 'full' ? [unit(2), unit(1), unit(0.5)] : type === 'tied' ? unit(1) : [2, 1, 0.5];
  const ref = sklearn(type, x, { weights: truth.weights, means, precisions });
  const machine = new GMMMachine(K, {
    covarianceType: type,
    weights: truth.weights,
    updateVariances: true,
    updateWeights: true,
    maxFittingSteps: 10,
    convergenceThreshold: null,
  });
  machine.varianceThresholds = 0;
  machine.means = means;
  machine.covariances = type === 'full' ? [unit(0.5), unit(1), unit(2)] : type === 'tied' ? unit(1) : [0.5, 1, 2];
  afterAll(() => machine.dispose());

  test('10 EM steps from the same start', async () => {
    await machine.fit(x);
    expectClose(machine.weights, ref.weights, 0, 1e-6);
    const variances = machine.variances;
    for (let c = 0; c < K; c++) {
      for (let j = 0; j < D; j++) expectClose(machine.means[c * D + j], ref.means[c][j], 0, 1e-5 * Math.sqrt(variances[c * D + j]));
    }
    expect(machine.covariances.length).toBe(type === 'full' ? K * D * D : type === 'tied' ? D * D : K);
    expect(frobenius(machine.covariances, (ref.covariances as number[]).flat(2) as number[])).toBeLessThan(1e-5);
  });

  test('scoreSamples, predictProba, predict, bic and aic of the fitted models', async () => {
    // both models are within the tolerances above; their scores differ by less than these
    const ll = await machine.scoreSamples(x);
    ref.scoreSamples.forEach((want, i) => expectClose(ll[i], want, 0, 1e-5 * Math.max(Math.abs(want), 1)));
    const { data } = await machine.predictProba(x);
    expectClose(data, ref.predictProba.flat(), 0, 1e-5);
    const predicted = Array.from(await machine.predict(x));
    const ambiguous = (i: number) => Math.max(...ref.predictProba[i]) < 0.5 + 1e-4;
    expect(predicted.filter((c, i) => c !== ref.predict[i] && !ambiguous(i))).toEqual([]);
    expectClose(await machine.bic(x), ref.bic, 1e-6);
    expectClose(await machine.aic(x), ref.aic, 1e-6);
  });

  test("sample draws the model's covariances", () => {
    const n = 40000;
    const { data, labels } = machine.sample(n, { randomState: 9 });
    const c = 2; // the heaviest Gaussian
    const own = Array.from(labels.keys()).filter((i) => labels[i] === c);
    const mean = Array.from({ length: D }, (_, j) => own.reduce((s, i) => s + data[i * D + j], 0) / own.length);
    const cov = (a: number, b: number) => own.reduce((s, i) => s + (data[i * D + a] - mean[a]) * (data[i * D + b] - mean[b]), 0) / own.length;
    const sigma = (a: number, b: number) =>
      type === 'full' ? machine.covariances[c * D * D + a * D + b] : type === 'tied' ? machine.covariances[a * D + b] : a === b ? machine.covariances[c] : 0;
    for (let a = 0; a < D; a++) {
      for (let b = 0; b < D; b++) {
        // the standard error of a sample covariance: sqrt((s_aa s_bb + s_ab^2) / n)
        const se = Math.sqrt((sigma(a, a) * sigma(b, b) + sigma(a, b) ** 2) / own.length);
        expectClose(cov(a, b), sigma(a, b), 0, 4 * se);
      }
    }
  });
});
