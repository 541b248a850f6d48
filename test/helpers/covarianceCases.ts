/**
 * Full, tied and spherical covariances against a float64 EM (test/helpers/covariance64.ts) on
 * held-out data: correlated features, condition numbers up to 1e6, means 1e3 from 0. After
 * 10 ML steps from the same start: means within 1e-4 of the reference's standard deviation
 * along the feature, covariances within 1e-4 relative (Frobenius), per-sample scores on
 * held-out samples within 1e-5 of max(|ll|, 1) at condition number 1e2, within 1.5e-4 at 1e6.
 * The second is float32's own limit, not the method's: a sample's float32 coordinates, of the
 * size of the widest standard deviation, carry 6e-8 of it, which whitening divides by the
 * narrowest; 6e-8 sqrt(1e6) = 6e-5 per whitened coordinate (measured on cpu, scoring the true
 * model alone: 4.6e-5 full, 8.3e-5 tied; 2.4e-5 at 1e4; 1.5e-6 at 1e2). And 3 steps of MAP
 * adaptation (Reynolds, relevance 4, every parameter) against a float64 MAP: weights 1e-6
 * relative, means 1e-4 sigma, covariances 1e-4 (Frobenius).
 * Pure data and checks, throwing Errors: run in Node (test/gmm/covarianceTypes.test.ts) and in
 * Chromium (test/browser/referenceSuite.ts).
 */
import type { GMMMachine } from '../../src/machines/GMMMachine.js';
import { type Model64, type Type, emStep64, mapStep64, relativeFrobenius, scores64 } from './covariance64.js';
import { correlatedModel, sampleModel } from './correlated.js';
import { expectClose } from './expectClose.js';

export interface CovarianceLibrary {
  GMMMachine: typeof GMMMachine;
}

export interface CovarianceCase {
  name: string;
  run(lib: CovarianceLibrary): Promise<void>;
}

const STEPS = 10;
const REG = 1e-6;
const TYPES = ['full', 'tied', 'spherical'] as const;

function start(truth: Model64, type: Type): Model64 {
  // the truth's weights, means moved by a tenth of a unit, unit (tied: pooled) covariances scaled
  const d = truth.means[0].length;
  const eye = (s: number) => Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? s : 0)));
  return {
    weights: truth.weights,
    means: truth.means.map((m) => m.map((v, j) => v + 0.1 * ((j % 3) - 1))),
    covariances: truth.covariances.map(() => eye(type === 'spherical' ? 0.7 : 0.5)),
  };
}

/** A machine of the type holding g's parameters. */
export function machineOf(lib: CovarianceLibrary, g: Model64, type: Type): GMMMachine {
  const k = g.weights.length;
  const m = new lib.GMMMachine(k, {
    covarianceType: type,
    updateVariances: true,
    updateWeights: true,
    maxFittingSteps: STEPS,
    convergenceThreshold: null,
    regCovar: type === 'full' || type === 'tied' ? REG : 0,
    weights: g.weights,
  });
  m.varianceThresholds = 0;
  m.means = g.means;
  m.covariances =
    type === 'full' ? g.covariances : type === 'tied' ? g.covariances[0] : type === 'spherical' ? g.covariances.map((c) => c[0][0]) : g.covariances.map((c) => c.map((row, j) => row[j]));
  return m;
}

/** The reference's covariances in the machine's layout for the type. */
const layout = (g: Model64, type: Type) =>
  type === 'tied' ? g.covariances[0].flat() : type === 'spherical' ? g.covariances.map((m) => m[0][0]) : g.covariances.flat(2);

function checkFrobenius(actual: ArrayLike<number>, expected: number[], tolerance: number, what: string): void {
  const relative = relativeFrobenius(actual, expected);
  if (!(relative < tolerance)) throw new Error(`${what}: covariances differ from float64 by ${relative.toExponential(2)} (Frobenius, relative) > ${tolerance}`);
}

function checkMeans(m: GMMMachine, reference: Model64, what: string): void {
  const d = m.nFeatures;
  reference.means.forEach((mu, c) =>
    mu.forEach((v, j) => {
      const sigmas = Math.abs(m.means[c * d + j] - v) / Math.sqrt(reference.covariances[c][j][j]);
      if (!(sigmas < 1e-4)) throw new Error(`${what}: Gaussian ${c}'s mean in feature ${j} is ${sigmas.toExponential(2)} sigma from float64's (> 1e-4)`);
    }),
  );
}

async function checkMl(lib: CovarianceLibrary, type: Type, condition: number, scores: number): Promise<void> {
  const [k, d] = [3, 4];
  const truth = correlatedModel(type, k, d, { condition, offset: 1e3, spread: 3, seed: 5 });
  const train = sampleModel(truth, 600, 11);
  const heldOut = sampleModel(truth, 200, 12);
  let reference = start(truth, type);
  const machine = machineOf(lib, reference, type);
  try {
    for (let s = 0; s < STEPS; s++) reference = emStep64(train, reference, type, type === 'spherical' ? 0 : REG).model;
    await machine.fit(train);
    if (machine.nIter !== STEPS) throw new Error(`${type}: ${machine.nIter} steps, not ${STEPS}`);
    checkMeans(machine, reference, type);
    checkFrobenius(machine.covariances, layout(reference, type), 1e-4, type);
    const expected = scores64(heldOut, reference);
    const actual = await machine.scoreSamples(heldOut);
    const worst = Math.max(...expected.map((e, i) => Math.abs(actual[i] - e) / Math.max(Math.abs(e), 1)));
    if (!(worst < scores)) throw new Error(`${type}: a held-out score is ${worst.toExponential(2)} of max(|ll|, 1) from float64's (> ${scores})`);
  } finally {
    machine.dispose();
  }
}

async function checkMap(lib: CovarianceLibrary, type: Type): Promise<void> {
  const [k, d] = [3, 3];
  const ubm64 = correlatedModel(type, k, d, { condition: 1e3, offset: 50, spread: 3, seed: 21 });
  const shifted = { ...ubm64, means: ubm64.means.map((m) => m.map((v, j) => v + 0.4 * (j - 1))) };
  const data = sampleModel(shifted, 300, 22);
  const ubm = machineOf(lib, ubm64, type);
  const map = new lib.GMMMachine(k, {
    trainer: 'map',
    ubm,
    mapRelevanceFactor: 4,
    updateMeans: true,
    updateVariances: true,
    updateWeights: true,
    maxFittingSteps: 3,
    convergenceThreshold: null,
    regCovar: type === 'spherical' ? 0 : REG,
  });
  try {
    map.varianceThresholds = 0;
    if (map.covarianceType !== type) throw new Error(`a machine adapted from a ${type} UBM is ${map.covarianceType}`);
    let reference = ubm64;
    for (let s = 0; s < 3; s++) reference = mapStep64(data, reference, ubm64, type, 4, type === 'spherical' ? 0 : REG);
    await map.fit(data);
    expectClose(map.weights, reference.weights, 0, 1e-6);
    checkMeans(map, reference, `${type} MAP`);
    checkFrobenius(map.covariances, layout(reference, type), 1e-4, `${type} MAP`);
  } finally {
    map.dispose();
    ubm.dispose();
  }
}

export const covarianceCases: CovarianceCase[] = [
  ...TYPES.flatMap((type) => [
    { name: `${type} covariances, condition number 1e2: ${STEPS} ML steps against a float64 EM (scores 1e-5)`, run: (lib: CovarianceLibrary) => checkMl(lib, type, 1e2, 1e-5) },
    { name: `${type} covariances, condition number 1e6: ${STEPS} ML steps against a float64 EM (scores 1.5e-4)`, run: (lib: CovarianceLibrary) => checkMl(lib, type, 1e6, 1.5e-4) },
  ]),
  ...TYPES.map((type) => ({ name: `${type} covariances: 3 steps of MAP adaptation (relevance 4) against a float64 MAP`, run: (lib: CovarianceLibrary) => checkMap(lib, type) })),
];
