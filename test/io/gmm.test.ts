import fs from 'node:fs';
import path from 'node:path';
import { gmmToBytes, readGMMFile, writeGMMFile, type GMMRecord } from '../../src/io/index.js';
import { flat, h5py, python, ref, scratchDir, type H5pyDump } from './helpers.js';

const CURRENT = ['gmm_ML.hdf5', 'gmm_ML_fitted.hdf5', 'gmm_MAP.hdf5'];
const LEGACY = ['gmm_ML_legacy.hdf5', 'gmm_ML_32bit_debug.hdf5', 'gmm_ML_32bit_release.hdf5'];
const BOOLEANS = ['update_means', 'update_variances', 'update_weights'];

function expectMatchesH5py(record: GMMRecord, dump: H5pyDump): void {
  const d = dump.datasets;
  expect(record.nGaussians).toBe(d.n_gaussians.value);
  expect(record.trainer).toBe(d.trainer.value);
  expect(record.convergenceThreshold).toBe(d.convergence_threshold.value);
  expect(record.maxFittingSteps).toBe(d.max_fitting_steps.value);
  expect(Array.from(record.weights)).toEqual(d.weights.value);
  expect(record.updateMeans).toBe(Boolean(d.update_means.value));
  expect(record.updateVariances).toBe(Boolean(d.update_variances.value));
  expect(record.updateWeights).toBe(Boolean(d.update_weights.value));
  expect(record.nFeatures).toBe(d['gaussians/means'].shape![1]);
  expect(Array.from(record.means)).toEqual(flat(d['gaussians/means'].value));
  expect(Array.from(record.variances)).toEqual(flat(d['gaussians/variances'].value));
  expect(record.varianceThresholds.shape).toEqual(d['gaussians/variance_thresholds'].shape);
  expect(Array.from(record.varianceThresholds.data)).toEqual(flat(d['gaussians/variance_thresholds'].value));
}

describe('reading GMMMachine files', () => {
  test.each(CURRENT)('%s gives the values h5py reads', async (file) => {
    expectMatchesH5py(await readGMMFile(ref(file)), h5py(ref(file)));
  });

  test('gmm_ML_fitted.hdf5 keeps its scalar variance threshold and its settings', async () => {
    const r = await readGMMFile(ref('gmm_ML_fitted.hdf5'));
    expect(r.varianceThresholds.shape).toEqual([]);
    expect(r.varianceThresholds.data[0]).toBe(2.220446049250313e-16);
    expect(r.convergenceThreshold).toBe(1e-3);
    expect([r.updateMeans, r.updateVariances, r.updateWeights]).toEqual([true, true, true]);
  });

  test('file bytes read the same as the path', async () => {
    const bytes = new Uint8Array(fs.readFileSync(ref('gmm_MAP.hdf5')));
    expect(await readGMMFile(bytes)).toEqual(await readGMMFile(ref('gmm_MAP.hdf5')));
  });

  test.each(LEGACY)('legacy %s equals gmm_ML.hdf5 and takes bob defaults', async (file) => {
    const legacy = await readGMMFile(ref(file));
    const current = await readGMMFile(ref('gmm_ML.hdf5'));
    expect(legacy).toMatchObject({ nGaussians: 2, nFeatures: 2, trainer: 'ml', convergenceThreshold: 1e-5, maxFittingSteps: 200 });
    expect([legacy.updateMeans, legacy.updateVariances, legacy.updateWeights]).toEqual([true, false, false]);
    const close = (a: Float64Array, b: Float64Array) => a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-5 * Math.abs(b[i])));
    close(legacy.weights, current.weights);
    close(legacy.means, current.means);
    close(legacy.variances, current.variances);
    expect(legacy.varianceThresholds.shape).toEqual([2, 2]);
    close(legacy.varianceThresholds.data, current.varianceThresholds.data);
  });
});

describe('writing GMMMachine files', () => {
  const dir = scratchDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each(CURRENT)('%s round-trips exactly', async (file) => {
    const record = await readGMMFile(ref(file));
    const out = path.join(dir, `rt-${file}`);
    await writeGMMFile(out, record);
    expect(await readGMMFile(out)).toEqual(record);
    expect(await readGMMFile(await gmmToBytes(record))).toEqual(record);
  });

  test.each(CURRENT)('h5py reads our copy of %s with bob\'s values, dtypes and attributes', async (file) => {
    const out = path.join(dir, `h5py-${file}`);
    await writeGMMFile(out, await readGMMFile(ref(file)));
    const ours = h5py(out);
    const bobs = h5py(ref(file));
    expect(ours.attrs).toEqual(bobs.attrs);
    expect(Object.keys(ours.datasets).sort()).toEqual(Object.keys(bobs.datasets).sort());
    for (const [name, bob] of Object.entries(bobs.datasets)) {
      const our = ours.datasets[name];
      if (BOOLEANS.includes(name)) {
        // the documented difference: h5py bool enum in bob's file, int8 0/1 in ours
        expect([bob.dtype, our.dtype]).toEqual(['bool', 'int8']);
        expect(our.value).toBe(bob.value ? 1 : 0);
      } else {
        expect({ name, ...our }).toEqual({ name, ...bob });
      }
    }
  });

  test('the bytes API writes the same datasets as the file API', async () => {
    const record = await readGMMFile(ref('gmm_ML.hdf5'));
    const out = path.join(dir, 'from-bytes.hdf5');
    fs.writeFileSync(out, await gmmToBytes(record));
    const viaFile = path.join(dir, 'via-file.hdf5');
    await writeGMMFile(viaFile, record);
    expect(h5py(out)).toEqual(h5py(viaFile));
  });

  test('our int8 flags work as booleans where bob.learn.em uses them', async () => {
    const record = { ...(await readGMMFile(ref('gmm_ML.hdf5'))), updateVariances: true };
    const out = path.join(dir, 'flags.hdf5');
    await writeGMMFile(out, record);
    // as bob's from_hdf5 reads them, then as its m-steps test them (`if update_means:`)
    const used = python(
      `h = h5py.File(sys.argv[1], 'r')\nflags = [h[k][()] for k in ('update_means', 'update_variances', 'update_weights')]\nprint(json.dumps([True if f else False for f in flags] + [bool(f == True) for f in flags]))`,
      out,
    );
    expect(JSON.parse(used)).toEqual([true, true, false, true, true, false]);
  });

  test('thresholds of shape [D] round-trip', async () => {
    const base = await readGMMFile(ref('gmm_ML.hdf5'));
    const record: GMMRecord = { ...base, varianceThresholds: { data: Float64Array.of(1e-3, 2e-3), shape: [2] } };
    const out = path.join(dir, 'thresholds-d.hdf5');
    await writeGMMFile(out, record);
    expect(await readGMMFile(out)).toEqual(record);
    expect(h5py(out).datasets['gaussians/variance_thresholds']).toMatchObject({ dtype: 'float64', shape: [2], value: [1e-3, 2e-3] });
  });

  test('null maxFittingSteps and convergenceThreshold are written as absent datasets and read back as null', async () => {
    const base = await readGMMFile(ref('gmm_ML.hdf5'));
    const record: GMMRecord = { ...base, trainer: 'map', maxFittingSteps: null, convergenceThreshold: null };
    const out = path.join(dir, 'nulls.hdf5');
    await writeGMMFile(out, record);
    expect(await readGMMFile(out)).toEqual(record);
    const names = Object.keys(h5py(out).datasets);
    expect(names).not.toContain('max_fitting_steps');
    expect(names).not.toContain('convergence_threshold');
    expect(h5py(out).datasets.trainer.value).toBe('map');
  });

  test('an existing file is replaced', async () => {
    const out = path.join(dir, 'replace.hdf5');
    await writeGMMFile(out, await readGMMFile(ref('gmm_ML.hdf5')));
    const fitted = await readGMMFile(ref('gmm_ML_fitted.hdf5'));
    await writeGMMFile(out, fitted);
    expect(await readGMMFile(out)).toEqual(fitted);
  });
});
