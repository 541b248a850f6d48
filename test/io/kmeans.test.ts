import fs from 'node:fs';
import path from 'node:path';
import { kmeansToBytes, readGMMFile, readKMeansFile, writeKMeansFile, type KMeansRecord } from '../../src/io/index.js';
import { h5py, ref, scratchDir } from './helpers.js';

const RECORD: KMeansRecord = {
  nClusters: 2,
  nFeatures: 3,
  centroids: Float64Array.of(-1.07, -1.06, -1.01, 0.99, 1.0, 0.98),
  initMethod: 'k-means||',
  convergenceThreshold: 1e-5,
  maxIter: 20,
  randomState: 0,
  initMaxIter: 5,
  oversamplingFactor: 2,
};

describe('KMeansMachine files', () => {
  const dir = scratchDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('round trip through a file and through bytes is exact', async () => {
    const out = path.join(dir, 'kmeans.hdf5');
    await writeKMeansFile(out, RECORD);
    expect(await readKMeansFile(out)).toEqual(RECORD);
    const other = { ...RECORD, initMethod: 'random', randomState: 12345, oversamplingFactor: 1.5 };
    expect(await readKMeansFile(await kmeansToBytes(other))).toEqual(other);
  });

  test('h5py reads the documented layout', async () => {
    const out = path.join(dir, 'layout.hdf5');
    await writeKMeansFile(out, RECORD);
    const { attrs, datasets } = h5py(out);
    const str: [string, null] = ['utf-8', null];
    expect(attrs).toEqual({
      file_version: { value: '1.0', dtype: 'object', string: str },
      writer_class: { value: "<class 'tfjs_em.KMeansMachine'>", dtype: 'object', string: str },
    });
    const scalar = (dtype: string, value: unknown, string: [string, null] | null = null) => ({ dtype, shape: [], value, string });
    expect(datasets).toEqual({
      n_clusters: scalar('int64', 2),
      centroids: { dtype: 'float64', shape: [2, 3], value: [[-1.07, -1.06, -1.01], [0.99, 1.0, 0.98]], string: null },
      init_method: scalar('object', 'k-means||', str),
      convergence_threshold: scalar('float64', 1e-5),
      max_iter: scalar('int64', 20),
      random_state: scalar('int64', 0),
      init_max_iter: scalar('int64', 5),
      oversampling_factor: scalar('float64', 2),
    });
  });

  test('a k-means file is not a GMM file, and the reverse', async () => {
    const out = path.join(dir, 'kind.hdf5');
    await writeKMeansFile(out, RECORD);
    await expect(readGMMFile(out)).rejects.toMatchObject({ code: 'FILE_FORMAT', message: expect.stringContaining('KMeansMachine file, not a GMMMachine file') });
    await expect(readKMeansFile(ref('gmm_ML.hdf5'))).rejects.toMatchObject({ code: 'FILE_FORMAT', message: expect.stringContaining('GMMMachine file, not a KMeansMachine file') });
  });
});
