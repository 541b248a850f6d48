/**
 * Bad input, from the user's side, in one place: every case gives a TfjsEmError with a code
 * and a message naming the problem and where (row and column, argument, or file and dataset).
 * A plain Error (a crash inside tf.js or h5wasm), a wrong code or a silent result fails the test.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GMMMachine, type GMMMachineOptions } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { KMeansMachine } from '../../src/machines/KMeansMachine.js';
import type { DataInput } from '../../src/data/matrix.js';
import { expectEmError, givenMachine } from './helpers.js';

const model = () => givenMachine([[0, 0], [3, 1]], [[1, 1], [1, 1]], { maxFittingSteps: 2 });
const good = [[0, 0], [1, 1], [2, 2], [3, 1]];

describe('samples', () => {
  // Each bad input is given to every entry point that reads samples.
  const entryPoints: [string, (x: DataInput) => Promise<unknown>][] = [
    ['GMMMachine.fit (k-means start)', (x) => new GMMMachine(2).fit(x)],
    ['GMMMachine.fit (given start)', (x) => model().fit(x)],
    ['logLikelihood', (x) => model().logLikelihood(x)],
    ['accStats', (x) => model().accStats(x)],
    ['KMeansMachine.fit', (x) => new KMeansMachine(2).fit(x)],
  ];
  const bad: [string, () => DataInput, string, string[]][] = [
    ['NaN in number[][]', () => [[0, 0], [NaN, 1], [2, 2]], 'INVALID_DATA', ['data holds NaN at row 1, column 0']],
    ['Infinity in Float32Array rows', () => ({ data: Float32Array.of(0, 0, 1, Infinity, 2, 2), shape: [3, 2] }), 'INVALID_DATA', ['data holds Infinity at row 1, column 1']],
    ['-Infinity in a tensor', () => tf.tensor2d([[0, 0], [1, -Infinity], [2, 2]]), 'INVALID_DATA', ['data holds NaN or Inf values']],
    // finite in float64, Infinity once on a float32 device: k-means crashed inside tf.gather, scoring gave NaN
    ['1e300 (beyond float32)', () => [[0, 0], [1e300, 1], [2, 2]], 'INVALID_DATA', ['data holds 1e+300 at row 1, column 0']],
    ['a non-number', () => [[0, 0], ['a', 1], [2, 2]] as unknown as number[][], 'INVALID_DATA', ['data holds NaN at row 1, column 0']],
    ['no rows (number[][])', () => [], 'INVALID_DATA', ['data has no samples']],
    ['no rows (Float64Array)', () => ({ data: new Float64Array(0), shape: [0, 2] }), 'INVALID_DATA', ['data has no samples']],
    ['no rows (tensor)', () => tf.zeros([0, 2]) as tf.Tensor2D, 'INVALID_DATA', ['data has no samples']],
    ['no features', () => [[], []], 'INVALID_DATA', ['data has no features']],
    ['no features (tensor)', () => tf.zeros([3, 0]) as tf.Tensor2D, 'INVALID_DATA', ['data has no features']],
    ['ragged rows', () => [[0, 0], [1], [2, 2]], 'INVALID_DATA', ['row 1 has 1 values, row 0 has 2']],
    ['a shape that does not match the values', () => ({ data: new Float64Array(5), shape: [3, 2] }), 'INVALID_DATA', ['shape [3,2] does not match 5 values']],
    ['a 3-D tensor', () => tf.zeros([2, 2, 2]) as unknown as tf.Tensor2D, 'INVALID_DATA', ['must be 2-D', 'shape [2,2,2]']],
    ['null', () => null as unknown as DataInput, 'INVALID_ARGUMENT', ['data must be a tf.Tensor2D']],
  ];
  const tensors: tf.Tensor[] = [];
  afterAll(() => tf.dispose(tensors));

  test.each(bad)('%s is refused by every entry point', async (_, input, code, parts) => {
    for (const [, call] of entryPoints) {
      const x = input();
      if (x instanceof tf.Tensor) tensors.push(x);
      await expectEmError(() => call(x), code as 'INVALID_DATA', ...parts);
    }
  });

  test('samples with another number of features than the model: SHAPE_MISMATCH naming both counts', async () => {
    const x = [[0, 0, 0], [1, 1, 1], [2, 2, 2]];
    const m = model();
    const km = new KMeansMachine(2);
    km.centroids = [[0, 0], [3, 1]];
    const calls = [() => m.fit(x), () => m.logLikelihood(x), () => m.logWeightedLikelihood(x), () => m.accStats(x), () => m.score(x), () => km.predict(x), () => km.transform(x)];
    for (const call of calls) await expectEmError(call, 'SHAPE_MISMATCH', 'data has 3 features per sample; the model has 2');
    const given = new KMeansMachine(2, { initMethod: [[0, 0], [1, 1]] });
    await expectEmError(() => given.fit(x), 'SHAPE_MISMATCH', 'initMethod centroids have 2 features; the data has 3');
  });

  test('more clusters than samples: INVALID_DATA naming both counts (k-means, and GMM training started by k-means)', async () => {
    for (const init of ['random', 'k-means++', 'k-means||'] as const) {
      await expectEmError(() => new KMeansMachine(5, { initMethod: init }).fit(good.slice(0, 3)), 'INVALID_DATA', 'nClusters (5) is larger than the number of samples (3)');
    }
    await expectEmError(() => new GMMMachine(5).fit(good.slice(0, 3)), 'INVALID_DATA', 'nClusters (5) is larger than the number of samples (3)');
  });
});

describe('parameters given by a user', () => {
  test.each([
    [[0.5, 0.5, 0], 'weights must be finite and > 0; weight 2 is 0'],
    [[1.5, -0.5], 'weights must be finite and > 0; weight 1 is -0.5'],
    [[NaN, 1], 'weights must be finite and > 0; weight 0 is NaN'],
    [[Infinity, 1], 'weights must be finite and > 0; weight 0 is Infinity'],
    [[0.5, 0.4], 'weights must sum to 1; they sum to 0.9'],
  ])('weights %j: INVALID_ARGUMENT (setter and constructor)', async (weights, message) => {
    if (weights.length === 2) await expectEmError(() => (model().weights = weights), 'INVALID_ARGUMENT', message);
    await expectEmError(() => new GMMMachine(weights.length, { weights }), 'INVALID_ARGUMENT', message);
  });

  test('weights of another length: SHAPE_MISMATCH', async () => {
    await expectEmError(() => (model().weights = [0.2, 0.3, 0.5]), 'SHAPE_MISMATCH', 'weights must have 2 values; got 3');
  });

  test.each([
    [[[1, 0], [1, 1]], 'variances must be > 0; variance 1 (row-major) is 0'],
    [[[1, 1], [-2, 1]], 'variances must be > 0; variance 2 (row-major) is -2'],
    [[[1, NaN], [1, 1]], 'variances must be finite; got NaN'],
    [[[1, 1], [1, Infinity]], 'variances must be finite; got Infinity'],
  ])('variances %j: INVALID_ARGUMENT', async (variances, message) => {
    await expectEmError(() => (model().variances = variances), 'INVALID_ARGUMENT', message);
  });

  test('means, variance thresholds and shapes', async () => {
    await expectEmError(() => (model().means = [[0, NaN], [1, 1]]), 'INVALID_ARGUMENT', 'means must be finite; got NaN');
    await expectEmError(() => (model().means = [[0, 0, 0], [1, 1, 1]]), 'SHAPE_MISMATCH', 'means of shape [2, 3]', "variances' [2,2]");
    for (const t of [-1, NaN, Infinity]) await expectEmError(() => (model().varianceThresholds = t), 'INVALID_ARGUMENT', `variance thresholds must be finite and >= 0; got ${t}`);
    await expectEmError(() => (model().varianceThresholds = [1, 1, 1]), 'SHAPE_MISMATCH', 'variance thresholds of shape [3] do not fit Gaussians of shape [2, 2]');
    await expectEmError(() => (new KMeansMachine(2).centroids = [[0, Infinity], [1, 1]]), 'INVALID_ARGUMENT', 'centroids must be finite; got Infinity');
  });

  test.each<[string, GMMMachineOptions, string]>([
    ['maxFittingSteps -1', { maxFittingSteps: -1 }, 'maxFittingSteps must be an integer >= 0, or null; got -1'],
    ['maxFittingSteps 1.5', { maxFittingSteps: 1.5 }, 'maxFittingSteps must be an integer >= 0, or null; got 1.5'],
    ['maxFittingSteps NaN', { maxFittingSteps: NaN }, 'maxFittingSteps must be an integer >= 0, or null; got NaN'],
    ['convergenceThreshold -1', { convergenceThreshold: -1 }, 'convergenceThreshold must be a finite number >= 0, or null; got -1'],
    ['convergenceThreshold NaN', { convergenceThreshold: NaN }, 'convergenceThreshold must be a finite number >= 0, or null; got NaN'],
    ['chunkSize 0', { chunkSize: 0 }, 'chunkSize must be an integer >= 1; got 0'],
    ['chunkSize NaN', { chunkSize: NaN }, 'chunkSize must be an integer >= 1; got NaN'],
    ['meanVarUpdateThreshold -1', { meanVarUpdateThreshold: -1 }, 'meanVarUpdateThreshold must be a finite number >= 0; got -1'],
    ['mapRelevanceFactor -4', { mapRelevanceFactor: -4 }, 'mapRelevanceFactor must be a finite number > 0, or null; got -4'],
    ['mapAlpha 2', { mapAlpha: 2 }, 'mapAlpha must be a finite number in [0, 1]; got 2'],
  ])('training option %s: INVALID_ARGUMENT at construction (it was accepted, then ran 0 steps, crashed or failed at save)', async (_, options, message) => {
    await expectEmError(() => new GMMMachine(2, options), 'INVALID_ARGUMENT', message);
  });

  test.each<[string, unknown, string]>([
    ['eStep x', { eStep: 'x' }, `eStep must be one of 'auto', 'fused', 'plain'; got "x"`],
    ['mapVarianceUpdate x', { mapVarianceUpdate: 'x' }, `mapVarianceUpdate must be one of 'reynolds', 'bob'; got "x"`],
    ['updateMeans "false" (a string)', { updateMeans: 'false' }, 'updateMeans must be true or false; got "false"'],
    ['kMeansTrainer {}', { kMeansTrainer: {} }, 'kMeansTrainer must be a KMeansMachine, or null; got an object'],
    ['ubm {}', { trainer: 'map', ubm: {} }, 'ubm must be a GMMMachine, or null; got an object'],
    ['backend gpu', { backend: 'gpu' }, `backend must be one of 'cpu', 'wasm', 'webgpu', 'webgl', 'tensorflow', 'auto'; got "gpu"`],
    ['options "x"', 'x', 'GMMMachine takes its options as an object ({ name: value }); got "x"'],
    ['options null', null, 'GMMMachine takes its options as an object ({ name: value }); got null'],
    ['an unknown name', { maxIter: 10 }, "GMMMachine has no option 'maxIter'; its options: trainer, ubm, covarianceType, regCovar, convergenceThreshold, maxFittingSteps"],
    ['a misspelt name', { updateWeight: true }, "GMMMachine has no option 'updateWeight' (did you mean 'updateWeights'?)"],
  ])('option %s: INVALID_ARGUMENT naming it and what it takes', async (_, options, message) => {
    await expectEmError(() => new GMMMachine(2, options as GMMMachineOptions), 'INVALID_ARGUMENT', message);
  });

  test('a setting changed to a wrong type after construction is refused when the fit starts', async () => {
    const m = model();
    (m as unknown as { updateMeans: unknown }).updateMeans = 'false';
    await expectEmError(() => m.fit(good), 'INVALID_ARGUMENT', 'updateMeans must be true or false; got "false"');
    m.dispose();
  });

  test('fit options: a signal that is not an AbortSignal, onStep that is not a function, an AbortSignal in place of the options', async () => {
    const m = model();
    await expectEmError(() => m.fit(good, { signal: {} as AbortSignal }), 'INVALID_ARGUMENT', 'signal must be an AbortSignal; got an object');
    await expectEmError(() => m.fit(good, { onStep: 1 as unknown as () => void }), 'INVALID_ARGUMENT', 'onStep must be a function; got 1');
    const signal = AbortSignal.abort();
    await expectEmError(() => new KMeansMachine(2).fit(good, signal as never), 'INVALID_ARGUMENT', 'fit takes its options as an object ({ name: value }); got a AbortSignal');
    await expect(new KMeansMachine(2).fit(good, { signal })).rejects.toThrow(/abort/i);
    m.dispose();
  });

  test('a string as variance thresholds: INVALID_ARGUMENT (it was a TypeError)', async () => {
    await expectEmError(() => (model().varianceThresholds = '1e-3' as never), 'INVALID_ARGUMENT', 'variance thresholds must be a number, an array');
  });

  test('sizes: 1e8 Gaussians refused at once, before anything is allocated; k-means options checked', async () => {
    const t0 = performance.now();
    await expectEmError(() => new GMMMachine(1e8), 'INVALID_ARGUMENT', 'nGaussians must be an integer in [1, 1048576]; got 100000000');
    await expectEmError(() => new GMMMachine(1e9), 'INVALID_ARGUMENT', 'nGaussians must be an integer in [1, 1048576]');
    await expectEmError(() => new KMeansMachine(2 ** 21), 'INVALID_ARGUMENT', 'nClusters must be an integer in [1, 1048576]');
    expect(performance.now() - t0).toBeLessThan(1000);
    await expectEmError(() => new KMeansMachine(2, { maxIter: 0 }), 'INVALID_ARGUMENT', 'maxIter must be an integer >= 1; got 0');
    await expectEmError(() => new KMeansMachine(2, { initMethod: 'kmeans' as never }), 'INVALID_ARGUMENT', "initMethod must be 'random', 'k-means++', 'k-means||' or centroids; got \"kmeans\"");
    await expectEmError(() => new KMeansMachine(2, { nIter: 3 } as never), 'INVALID_ARGUMENT', "KMeansMachine has no option 'nIter'");
  });

  test('a model too large for the memory free: refused before training allocates it', async () => {
    // 2^20 Gaussians in 4096 features: 10 arrays of 2^32 float64 values, far beyond this machine's memory
    const m = new GMMMachine(1 << 20);
    await expectEmError(() => m.fit({ data: new Float32Array(4096 * 2), shape: [2, 4096] }), 'INVALID_ARGUMENT', 'a GMM of 1048576 Gaussians in 4096 features needs about', 'GB of memory to train');
  });

  test('an m-step from empty statistics (t = 0) is refused; the machine keeps its parameters (weights became Infinity)', async () => {
    const m = model();
    await expectEmError(() => m.mStep(new GMMStats(2, 2)), 'INVALID_DATA', 'statistics of 0 samples');
    expect(Array.from(m.weights)).toEqual([0.5, 0.5]);
    await expectEmError(() => m.mStep(new GMMStats(2, 3)), 'SHAPE_MISMATCH', 'statistics of shape [2,3]', "machine's [2,2]");
    m.dispose();
  });

  test("training on values whose squares overflow float32 fails as INVALID_DATA naming the row; the machine keeps its last step's parameters", async () => {
    // 1e25 is a float32, its square is not. The error was INVALID_ARGUMENT 'means must be finite; got NaN',
    // from a setter the user never called, then an e-step error naming no row.
    const m = model();
    const before = m.params();
    await expectEmError(() => m.fit([[1e25, 0], [0, 0], [1, 1], [2, 2]]), 'INVALID_DATA', 'row 0, column 0', 'remove or rescale that row');
    expect(m.params()).toEqual(before);
    m.dispose();
  });
});

describe('files', () => {
  /** A file of `machine` in which the float64 `from` (stored once) is replaced by `to`. */
  async function patched(machine: GMMMachine, changes: [number, number][]): Promise<Uint8Array> {
    const bytes = await machine.toBytes();
    for (const [from, to] of changes) {
      const pattern = new Uint8Array(Float64Array.of(from).buffer);
      const at = Buffer.from(bytes).indexOf(pattern);
      expect(at).toBeGreaterThan(0);
      expect(Buffer.from(bytes).indexOf(pattern, at + 1)).toBe(-1); // the value is the only one like it
      bytes.set(new Uint8Array(Float64Array.of(to).buffer), at);
    }
    return bytes;
  }
  /** Distinct values, each stored once in the file. */
  const marked = () => {
    const m = givenMachine([[0.123, 0.456], [1.789, 2.345]], [[0.5432, 0.6543], [0.7654, 0.8765]]);
    m.weights = [0.4, 0.6];
    return m;
  };

  test('truncated, random, empty and foreign bytes: FILE_FORMAT, never a crash', async () => {
    const bytes = await marked().toBytes();
    await expectEmError(() => GMMMachine.fromHDF5(bytes.slice(0, bytes.length >> 1)), 'FILE_FORMAT', '(HDF5 bytes)', 'truncated');
    await expectEmError(() => GMMMachine.fromHDF5(bytes.slice(0, 100)), 'FILE_FORMAT', '(HDF5 bytes)');
    await expectEmError(() => GMMMachine.fromHDF5(new Uint8Array(0)), 'FILE_FORMAT', 'not a readable HDF5 file');
    await expectEmError(() => GMMStats.fromHDF5(new TextEncoder().encode('x,y\n1,2\n')), 'FILE_FORMAT', 'not a readable HDF5 file');
    await expectEmError(() => KMeansMachine.fromHDF5(Uint8Array.from({ length: 2048 }, (_, i) => (i * 7919) & 255)), 'FILE_FORMAT', 'not a readable HDF5 file');
  });

  test('a file of another kind says what it is', async () => {
    const gmm = await marked().toBytes();
    const stats = await new GMMStats(2, 2).toBytes();
    const km = new KMeansMachine(2);
    km.centroids = [[0, 0], [1, 1]];
    const kmeans = await km.toBytes();
    await expectEmError(() => GMMMachine.fromHDF5(stats), 'FILE_FORMAT', 'this is a GMMStats file, not a GMMMachine file');
    await expectEmError(() => GMMMachine.fromHDF5(kmeans), 'FILE_FORMAT', 'this is a KMeansMachine file, not a GMMMachine file');
    await expectEmError(() => GMMStats.fromHDF5(gmm), 'FILE_FORMAT', 'this is a GMMMachine file, not a GMMStats file');
    await expectEmError(() => KMeansMachine.fromHDF5(gmm), 'FILE_FORMAT', 'this is a GMMMachine file, not a KMeansMachine file');
    await expectEmError(() => model().load(stats), 'FILE_FORMAT', 'not a GMMMachine file');
  });

  test('non-finite values in a loaded file: FILE_FORMAT naming the dataset', async () => {
    const nanVariance = await patched(marked(), [[0.6543, NaN]]);
    await expectEmError(() => GMMMachine.fromHDF5(nanVariance), 'FILE_FORMAT', '(HDF5 bytes)', 'dataset gaussians/variances holds non-finite values');
    const infMean = await patched(marked(), [[1.789, -Infinity]]);
    await expectEmError(() => GMMMachine.fromHDF5(infMean), 'FILE_FORMAT', 'dataset gaussians/means holds non-finite values');
    const km = new KMeansMachine(2);
    km.centroids = [[0.123, 0.456], [1.789, 2.345]];
    const kmBytes = await km.toBytes();
    kmBytes.set(new Uint8Array(Float64Array.of(NaN).buffer), Buffer.from(kmBytes).indexOf(new Uint8Array(Float64Array.of(0.456).buffer)));
    await expectEmError(() => KMeansMachine.fromHDF5(kmBytes), 'FILE_FORMAT', 'dataset centroids holds non-finite values');
  });

  test('impossible parameters in a loaded file: FILE_FORMAT naming the file and dataset (was INVALID_ARGUMENT naming neither)', async () => {
    for (const bad of [0, -0.6543]) {
      const bytes = await patched(marked(), [[0.6543, bad]]);
      await expectEmError(() => GMMMachine.fromHDF5(bytes), 'FILE_FORMAT', '(HDF5 bytes)', 'gaussians/variances', String(bad));
    }
    const negativeWeight = await patched(marked(), [[0.4, -0.4], [0.6, 1.4]]);
    await expectEmError(() => GMMMachine.fromHDF5(negativeWeight), 'FILE_FORMAT', '(HDF5 bytes)', 'weights', '-0.4');
    const notSummingTo1 = await patched(marked(), [[0.6, 0.1]]);
    await expectEmError(() => GMMMachine.fromHDF5(notSummingTo1), 'FILE_FORMAT', '(HDF5 bytes)', 'weights', '0.5');
  });

  test('a Gaussian of weight 0 (bob writes them: k-means found it no samples) loads', async () => {
    const m = await GMMMachine.fromHDF5(await patched(marked(), [[0.4, 0], [0.6, 1]]));
    expect(Array.from(m.weights)).toEqual([0, 1]);
  });

  test('a UBM of another shape: SHAPE_MISMATCH naming both shapes', async () => {
    const ubm = marked();
    const ubm3 = new GMMMachine(3);
    ubm3.means = [[0, 0], [1, 1], [2, 2]];
    const ubmD3 = givenMachine([[0, 0, 0], [1, 1, 1]], [[1, 1, 1], [1, 1, 1]]);
    await expectEmError(() => new GMMMachine(2, { trainer: 'map', ubm: ubm3 }), 'SHAPE_MISMATCH', 'it has 3 Gaussians, this one 2');
    const map = await new GMMMachine(2, { trainer: 'map', ubm }).toBytes();
    await expectEmError(() => GMMMachine.fromHDF5(map), 'INVALID_ARGUMENT', 'The UBM is needed when loading a MAP machine');
    await expectEmError(() => GMMMachine.fromHDF5(map, ubm3), 'SHAPE_MISMATCH', 'it has 3 Gaussians, this one 2');
    // Loaded before: the machine had 2 features, its UBM 3, and MAP steps mixed the two.
    await expectEmError(() => GMMMachine.fromHDF5(map, ubmD3), 'SHAPE_MISMATCH', 'UBM', '[2,3]', '[2,2]');
    const twoGaussians = await marked().toBytes();
    await expectEmError(() => new GMMMachine(3).load(twoGaussians), 'SHAPE_MISMATCH', 'the file holds 2 Gaussians; this machine has 3');
  });
});
