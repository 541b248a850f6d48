/** tfjs-em kmeans, train and info, run as a user would; results checked against bob's files and in-process fits. */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { KMeansMachine } from '../../src/machines/KMeansMachine.js';
import { expectClose } from '../helpers/expectClose.js';
import { referencePath } from '../helpers/reference.js';
import { buildOnce, tfjsEm } from './cli.js';
import { blobs, h5pyRead, tempDir, writeBobGMM, writeH5, writeNpy } from './fixtures.js';

const FAITHFUL = referencePath('faithful.torch3_f64.hdf5');
const dir = tempDir();
const x = blobs([[0, 0, 0], [6, 6, 6], [-6, 6, 0]], 200, 7);
const npy = writeNpy(path.join(dir, 'x.npy'), x, '<f4');
const h5 = writeH5(path.join(dir, 'x.h5'), 'feats/mfcc', x);

beforeAll(buildOnce, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** bob's layout 1.0, as h5py reads it (GMMMachine.save / from_hdf5). */
function expectBobLayout(file: string, k: number, d: number): void {
  const { datasets, attrs } = h5pyRead(file);
  expect(attrs.file_version).toBe('1.0');
  const shapes = Object.fromEntries(Object.entries(datasets).map(([name, v]) => [name, v.shape]));
  expect(shapes).toEqual({
    convergence_threshold: [],
    'gaussians/means': [k, d],
    'gaussians/variance_thresholds': expect.any(Array),
    'gaussians/variances': [k, d],
    max_fitting_steps: [],
    n_gaussians: [],
    trainer: [],
    update_means: [],
    update_variances: [],
    update_weights: [],
    weights: [k],
  });
  expect(datasets['gaussians/means'].dtype).toBe('float64');
  expect(datasets.n_gaussians).toMatchObject({ value: k, dtype: 'int64' });
}

test('train --init (a bob GMM file) reproduces bob\'s ML fit of the faithful data', async () => {
  const start = (name: string) => h5pyRead(referencePath(`gmm.init_${name}.hdf5`)).datasets.array.value;
  const init = writeBobGMM(path.join(dir, 'init.h5'), {
    weights: start('weights') as number[],
    means: start('means') as number[][],
    variances: start('variances') as number[][],
  });
  const out = path.join(dir, 'fitted.h5');
  const run = await tfjsEm(['train', '--data', FAITHFUL, '--init', init, '--threshold', '1e-3', '--out', out, '--format', 'json']);
  expect(run.stderr).toMatch(/EM: step 1\/200 {2}avg log-likelihood -[\d.]+ {2}convergence - {2}/);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ out, gaussians: 2, features: 2, frames: 272, converged: true });
  expectBobLayout(out, 2, 2);
  const got = h5pyRead(out).datasets;
  const ref = h5pyRead(referencePath('gmm_ML_fitted.hdf5')).datasets;
  for (const name of ['gaussians/means', 'gaussians/variances', 'weights']) {
    expectClose((got[name].value as number[][]).flat(), (ref[name].value as number[][]).flat(), 1e-5);
  }
});

test('kmeans writes centroids that train --init turns into the same start as in-process', async () => {
  const km = path.join(dir, 'km.h5');
  const run = await tfjsEm(['kmeans', '--data', `${h5}:/feats/mfcc`, '--clusters', '3', '--init', 'k-means++', '--seed', '3', '--out', km, '--format', 'json']);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ clusters: 3, features: 3, frames: 600 });
  const kmeans = await KMeansMachine.fromHDF5(km);
  const inProcess = await new KMeansMachine(3, { initMethod: 'k-means++', randomState: 3 }).fit(x);
  expect(kmeans.isSimilarTo(inProcess, 1e-6)).toBe(true);

  const out = path.join(dir, 'from-km.h5');
  const trained = await tfjsEm(['train', '--data', npy, '--init', km, '--steps', '2', '--update', 'means,weights', '--out', out, '-q']);
  expect(trained.code).toBe(0);
  expect(trained.stderr).toBe('');
  const expected = new GMMMachine(3, { maxFittingSteps: 2, updateWeights: true });
  const { variances, weights } = await kmeans.getVariancesAndWeightsForEachCluster({ data: Float32Array.from(x.data), shape: x.shape });
  Object.assign(expected, { means: kmeans.centroids, variances, weights });
  await expected.fit({ data: Float32Array.from(x.data), shape: x.shape });
  const got = await GMMMachine.fromHDF5(out);
  expect(got.isSimilarTo(expected, 1e-5, 1e-6)).toBe(true);
  expected.dispose();
});

test('train from k-means on a .npy file, then info on each kind of file', async () => {
  const out = path.join(dir, 'ubm.h5');
  const run = await tfjsEm(['train', '--data', npy, '--gaussians', '3', '--steps', '5', '--variance-floor', '1e-3', '--seed', '1', '--out', out]);
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(/k-means: 3 clusters on 600 frames/);
  expect(run.stdout).toMatch(/^out +.*ubm\.h5$/m);
  expectBobLayout(out, 3, 3);
  const info = JSON.parse((await tfjsEm(['info', out, '--format', 'json'])).stdout);
  expect(info).toMatchObject({ kind: 'GMMMachine', layout: '1.0', gaussians: 3, features: 3, trainer: 'ml', varianceFloor: '0.001000', update: 'means,variances,weights' });
  const stats = JSON.parse((await tfjsEm(['info', referencePath('stats.hdf5'), '--format', 'json'])).stdout);
  expect(stats).toMatchObject({ kind: 'GMMStats', gaussians: 2, features: 2, frames: 272 });
  const legacy = await tfjsEm(['info', referencePath('gmm_ML_legacy.hdf5')]);
  expect(legacy.stdout).toMatch(/^layout +legacy$/m);
});

test.each(['full', 'tied', 'spherical'])('train --covariance %s: the model and its statistics carry the type; info shows it; estimate takes the statistics', async (type) => {
  const out = path.join(dir, `cov-${type}.h5`);
  const run = await tfjsEm(['train', '--data', npy, '--gaussians', '3', '--covariance', type, '--steps', '5', '--out', out, '--format', 'json']);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ gaussians: 3, features: 3, covariance: type });
  const model = await GMMMachine.fromHDF5(out);
  expect(model.covarianceType).toBe(type);
  const info = JSON.parse((await tfjsEm(['info', out, '--format', 'json'])).stdout);
  expect(info).toMatchObject({ kind: 'GMMMachine', covariance: type });
  const stats = path.join(dir, `cov-${type}-stats.h5`);
  expect((await tfjsEm(['stats', '--model', out, '--data', npy, '--out', stats, '-q'])).code).toBe(0);
  expect(JSON.parse((await tfjsEm(['info', stats, '--format', 'json'])).stdout)).toMatchObject({ kind: 'GMMStats', covariance: type });
  const estimated = path.join(dir, `cov-${type}-estimated.h5`);
  const est = await tfjsEm(['estimate', '--model', out, '--stats', stats, '--out', estimated, '-q']);
  expect(est.stderr).toBe('');
  const next = await GMMMachine.fromHDF5(estimated);
  const again = await GMMMachine.fromHDF5(out);
  again.mStep(await again.accStats({ data: x.data.map(Math.fround), shape: x.shape })); // the .npy holds float32
  expectClose(next.covariances, again.covariances, 1e-9, 1e-12);
  for (const m of [model, next, again]) m.dispose();
});

test('train --init with another --covariance than the file is refused, naming both', async () => {
  const out = path.join(dir, 'cov-full.h5');
  const run = await tfjsEm(['train', '--data', npy, '--init', out, '--covariance', 'tied', '--out', path.join(dir, 'never.h5')]);
  expect(run.code).not.toBe(0);
  expect(run.stderr).toMatch(/holds full covariances, but --covariance is tied/);
});
