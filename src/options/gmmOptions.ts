/** GMMMachine's options (see table.ts); the constructor and fit check against these. */
import { EPSILON } from '../math/constants.js';
import { BACKEND_NAMES } from '../backend/names.js';
import { COVARIANCE_TYPES } from '../math/gmm/covariances/form.js';
import { booleanOption, choiceOption, numberOption, otherOption, type OptionTable } from './table.js';
import { GMMMachine } from '../machines/GMMMachine.js';
import { KMeansMachine } from '../machines/KMeansMachine.js';

/** The most Gaussians (or k-means clusters) a machine may have. */
export const MAX_GAUSSIANS = 1 << 20;

/** A machine of the class `of()` gives, or null (a thunk: the machines' modules import this table). */
const machineOrNull = (of: () => abstract new (...args: never[]) => unknown) => (v: unknown) => v === null || v instanceof of();

const isArrayLikeOfNumbers = (v: unknown) =>
  (ArrayBuffer.isView(v) && !(v instanceof DataView)) || (Array.isArray(v) && v.every((x) => typeof x === 'number'));

export const GMM_OPTIONS: OptionTable = {
  trainer: choiceOption({ choices: ['ml', 'map'], default: 'ml', text: "'ml': maximum likelihood from a k-means start; 'map': adaptation of `ubm`" }),
  ubm: otherOption({ expected: 'a GMMMachine, or null', default: null, accepts: machineOrNull(() => GMMMachine), text: "the prior of MAP adaptation (required with trainer 'map'); its parameters are the start" }),
  covarianceType: choiceOption({
    choices: COVARIANCE_TYPES,
    defaultText: "the UBM's, else 'diag'",
    text: "'diag' (bob's: variances per Gaussian and feature), 'full' (a matrix per Gaussian), 'tied' (one matrix shared), 'spherical' (one variance per Gaussian)",
  }),
  regCovar: numberOption({ min: 0, default: 1e-6, text: 'full and tied: added to the covariances\' diagonal at each estimate (scikit-learn\'s reg_covar); diag and spherical use the variance floor' }),
  convergenceThreshold: numberOption({ min: 0, nullable: true, default: 1e-5, text: "stop when the average log-likelihood changes by at most this, relative; null: run maxFittingSteps steps" }),
  maxFittingSteps: numberOption({ min: 0, integer: true, nullable: true, default: 200, text: 'most EM steps; null: until convergence' }),
  randomState: numberOption({ integer: true, default: 0, text: 'seed of the k-means start (start i of nInit: randomState + i)' }),
  nInit: numberOption({ min: 1, max: 1000, integer: true, default: 1, text: 'k-means starts tried by fit, each trained; the one with the best final average log-likelihood is kept' }),
  stepExponent: numberOption({ above: 0.5, max: 1, default: 0.6, text: 'partialFit: the step size of batch t is (t + 2)^-stepExponent (stepwise EM)' }),
  weights: otherOption({ expected: 'an array of numbers', defaultText: 'equal (1 / nGaussians)', accepts: isArrayLikeOfNumbers, text: 'initial weights: finite, > 0, summing to 1' }),
  kMeansTrainer: otherOption({ expected: 'a KMeansMachine, or null', default: null, accepts: machineOrNull(() => KMeansMachine), text: 'the k-means of the start (default: one with randomState)' }),
  updateMeans: booleanOption({ default: true, text: 'whether EM updates the means' }),
  updateVariances: booleanOption({ default: false, text: 'whether EM updates the variances' }),
  updateWeights: booleanOption({ default: false, text: 'whether EM updates the weights' }),
  meanVarUpdateThreshold: numberOption({ min: 0, default: EPSILON, text: "responsibility under which a Gaussian's means and variances are not updated (and the default variance floor)" }),
  mapAlpha: numberOption({ min: 0, max: 1, default: 0.5, text: 'MAP: the fixed adaptation weight, used when mapRelevanceFactor is null' }),
  mapRelevanceFactor: numberOption({ above: 0, nullable: true, default: 4, text: "MAP: Reynolds' relevance factor r (alpha = n / (n + r)); null: mapAlpha" }),
  mapVarianceUpdate: choiceOption({ choices: ['reynolds', 'bob'], default: 'reynolds', text: "MAP variance update: Reynolds et al. (2000), eq. 13, or bob.learn.em's" }),
  chunkSize: numberOption({ min: 1, integer: true, defaultText: "chosen from the device's limits", text: 'rows per device chunk' }),
  backend: choiceOption({ choices: BACKEND_NAMES, defaultText: "the backend set, else $TFJS_EM_BACKEND, else 'auto'", text: 'the TensorFlow.js backend the work starts on' }),
  eStep: choiceOption({ choices: ['auto', 'fused', 'plain'], default: 'auto', text: "'auto': the fused kernel where one is registered; 'fused': that or an error; 'plain': TF.js ops" }),
};

export const KMEANS_OPTIONS: OptionTable = {
  initMethod: otherOption({
    expected: "'random', 'k-means++', 'k-means||' or centroids",
    default: 'k-means||',
    accepts: (v) =>
      ['random', 'k-means++', 'k-means||'].includes(v as string) || Array.isArray(v) || v instanceof Float64Array || v instanceof Float32Array ||
      (typeof v === 'object' && v !== null && 'data' in v && 'shape' in v),
    text: 'how the centroids start: a seeding, or given centroids ([k, D] rows, flat row-major values or { data, shape })',
  }),
  convergenceThreshold: numberOption({ min: 0, default: 1e-5, text: 'stop when the average distance to the closest centroid changes by at most this, relative' }),
  maxIter: numberOption({ min: 1, integer: true, default: 20, text: 'most Lloyd iterations' }),
  randomState: numberOption({ integer: true, default: 0, text: 'seed of the start' }),
  initMaxIter: numberOption({ min: 0, integer: true, default: 5, text: 'k-means||: rounds of oversampling' }),
  oversamplingFactor: numberOption({ above: 0, default: 2, text: 'k-means||: candidates drawn per round, times the number of clusters' }),
  chunkSize: GMM_OPTIONS.chunkSize,
  backend: GMM_OPTIONS.backend,
};

const isFunction = (v: unknown) => typeof v === 'function';

/** What fit and fitShards take beside the data. */
export const FIT_OPTIONS: OptionTable = {
  onStep: otherOption({ expected: 'a function', accepts: isFunction, defaultText: 'none', text: 'called after each EM step with { step, averageLogLikelihood, convergenceValue }' }),
  signal: otherOption({ expected: 'an AbortSignal', accepts: (v) => v instanceof AbortSignal, defaultText: 'none', text: 'stops the fit within a chunk of data; the machine keeps its last complete step' }),
  onWarning: otherOption({ expected: 'a function', accepts: isFunction, defaultText: 'process.emitWarning (Node), console.warn (browsers)', text: "receives the fit's warnings" }),
  sampleWeight: otherOption({ expected: 'an array of numbers', accepts: isArrayLikeOfNumbers, defaultText: 'every sample once', text: "each sample's weight (finite, >= 0, not all 0): it counts that many times; k-means and the start use them too" }),
};

/** What GMMMachine.sample takes beside the count. */
export const SAMPLE_OPTIONS: OptionTable = { randomState: numberOption({ integer: true, defaultText: "the machine's randomState", text: 'seed of the draws' }) };

/** What KMeansMachine.fit takes beside the data. */
export const KMEANS_FIT_OPTIONS: OptionTable = { signal: FIT_OPTIONS.signal, sampleWeight: FIT_OPTIONS.sampleWeight };

/** What accStats, score and partialFit take beside the data. */
export const WEIGHT_OPTIONS: OptionTable = { sampleWeight: FIT_OPTIONS.sampleWeight };

/** The options' defaults by name (where one is a value). */
function defaults<T extends OptionTable>(table: T): { [K in keyof T]: any } {
  return Object.fromEntries(Object.entries(table).map(([name, spec]) => [name, spec.default])) as { [K in keyof T]: any };
}

export const GMM_DEFAULTS = defaults(GMM_OPTIONS);
export const KMEANS_DEFAULTS = defaults(KMEANS_OPTIONS);
