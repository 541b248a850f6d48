/**
 * Files of full, tied and spherical models and of their statistics: gaussians/covariance_type and
 * gaussians/covariances beside bob's datasets (h5py reads them), gaussians/variances holding the
 * covariances' diagonals; statistics with covariance_type and sumPxx [K, D, D] or [D, D].
 * Round trips are exact; impossible covariances in a file are FILE_FORMAT errors naming the dataset.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { readGMMFile, writeGMMFile } from '../../src/io/index.js';
import { h5py, python, scratchDir } from './helpers.js';
import { correlatedModel, sampleModel } from '../helpers/correlated.js';

const K = 2;
const D = 3;
const dir = scratchDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function machine(type: 'full' | 'tied' | 'spherical'): GMMMachine {
  const truth = correlatedModel(type, K, D, { condition: 20, offset: 3, spread: 2, seed: 8 });
  const m = new GMMMachine(K, { covarianceType: type, weights: truth.weights, updateVariances: true });
  m.means = truth.means;
  m.covariances = type === 'full' ? truth.covariances : type === 'tied' ? truth.covariances[0] : truth.covariances.map((c) => c[0][0]);
  return m;
}

describe.each(['full', 'tied', 'spherical'] as const)('%s models and statistics in files', (type) => {
  const shape = type === 'full' ? [K, D, D] : type === 'tied' ? [D, D] : [K];

  test('the model round-trips exactly; h5py reads covariance_type, covariances and the diagonals as variances', async () => {
    const m = machine(type);
    const out = path.join(dir, `${type}.hdf5`);
    await m.save(out);
    const back = await GMMMachine.fromHDF5(out);
    expect(back.covarianceType).toBe(type);
    expect(back.covariances).toEqual(m.covariances);
    expect(back.means).toEqual(m.means);
    expect(back.weights).toEqual(m.weights);
    expect(back.isSimilarTo(m, 0, 0)).toBe(true);
    const dump = h5py(out).datasets;
    expect(dump['gaussians/covariance_type'].value).toBe(type);
    expect(dump['gaussians/covariances']).toMatchObject({ dtype: 'float64', shape });
    expect((dump['gaussians/variances'].value as number[][]).flat()).toEqual(Array.from(m.variances));
    expect(await readGMMFile(await m.toBytes())).toEqual(m.toRecord());
    m.dispose();
    back.dispose();
  });

  test('statistics of the type round-trip with covariance_type and sumPxx of its shape', async () => {
    const m = machine(type);
    const stats = await m.accStats(sampleModel(correlatedModel(type, K, D, { condition: 20, offset: 3, spread: 2, seed: 8 }), 200, 3));
    expect(stats.covarianceType).toBe(type);
    const out = path.join(dir, `${type}-stats.hdf5`);
    await stats.save(out);
    const back = await GMMStats.fromHDF5(out);
    expect(back.covarianceType).toBe(type);
    expect(back.isSimilarTo(stats, 1e-12, 0)).toBe(true);
    const dump = h5py(out).datasets;
    expect(dump.covariance_type.value).toBe(type);
    expect(dump.sumPxx.shape).toEqual(type === 'full' ? [K, D, D] : type === 'tied' ? [D, D] : [K, D]);
    const twice = back.add(stats);
    expect(twice.t).toBe(2 * stats.t);
    expect(() => new GMMStats(K, D, type === 'spherical' ? 'full' : 'diag').addInPlace(stats)).toThrow(/cannot be added/);
    m.dispose();
  });
});

test('a file whose covariances are not positive definite is a FILE_FORMAT error naming the dataset', async () => {
  const m = machine('full');
  const out = path.join(dir, 'bad.hdf5');
  await m.save(out);
  python(`h = h5py.File(sys.argv[1], 'r+')\nc = h['gaussians/covariances']\nv = c[()]\nv[1] = -v[1]\nc[...] = v\nh.close()`, out);
  await expect(GMMMachine.fromHDF5(out)).rejects.toMatchObject({
    code: 'FILE_FORMAT',
    message: expect.stringMatching(/gaussians\/covariances \[1\] is not positive definite/),
  });
  m.dispose();
});

test('a diagonal model stays bob\'s layout exactly: no covariance datasets', async () => {
  const m = new GMMMachine(K, { weights: [0.5, 0.5] });
  m.means = [[0, 0, 0], [1, 1, 1]];
  m.variances = [[1, 2, 3], [1, 1, 1]];
  const out = path.join(dir, 'diag.hdf5');
  await m.save(out);
  const names = Object.keys(h5py(out).datasets);
  expect(names.filter((n) => n.includes('covariance'))).toEqual([]);
  expect((await readGMMFile(out)).covarianceType).toBeUndefined();
  m.dispose();
});

test('writing a record of the wrong covariance length is refused before any file is made', async () => {
  const m = machine('tied');
  const record = { ...m.toRecord(), covariances: new Float64Array(5) };
  const out = path.join(dir, 'never.hdf5');
  await expect(writeGMMFile(out, record)).rejects.toThrow(/covariances has 5 values, expected 9/);
  expect(fs.existsSync(out)).toBe(false);
  m.dispose();
});
