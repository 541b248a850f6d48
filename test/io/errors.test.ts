import fs from 'node:fs';
import path from 'node:path';
import { GlobalHeapScan, findCorruptGlobalHeap } from '../../src/io/globalHeap.js';
import { gmmToBytes, readGMMFile, readStatsFile, statsToBytes, writeGMMFile, type GMMRecord } from '../../src/io/index.js';
import { python, ref, scratchDir } from './helpers.js';

const fileFormat = (...parts: string[]) => ({ code: 'FILE_FORMAT', message: expect.stringMatching(new RegExp(parts.map(escape).join('.*'))) });
const invalid = (part: string) => ({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(part) });

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('reading damaged or foreign files', () => {
  const dir = scratchDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A copy of a reference file changed by a Python snippet acting on the open h5py file `h`. */
  function variant(name: string, source: string, edit: string): string {
    const out = path.join(dir, name);
    fs.copyFileSync(ref(source), out);
    python(`h = h5py.File(sys.argv[1], 'r+')\n${edit}\nh.close()`, out);
    return out;
  }

  test('a GMMStats file read as a GMM, and a GMM read as stats, say what they are', async () => {
    await expect(readGMMFile(ref('stats.hdf5'))).rejects.toMatchObject(fileFormat('stats.hdf5', 'this is a GMMStats file, not a GMMMachine file'));
    await expect(readStatsFile(ref('gmm_ML.hdf5'))).rejects.toMatchObject(fileFormat('gmm_ML.hdf5', 'this is a GMMMachine file, not a GMMStats file'));
    await expect(readStatsFile(ref('gmm_ML_legacy.hdf5'))).rejects.toMatchObject(fileFormat('GMMMachine file, not a GMMStats file'));
  });

  test('a plain array file is not a GMM file', async () => {
    await expect(readGMMFile(ref('means.hdf5'))).rejects.toMatchObject(fileFormat('means.hdf5', 'not a GMMMachine file', 'array'));
  });

  test('a file cut in half is rejected', async () => {
    const half = path.join(dir, 'half.hdf5');
    const bytes = fs.readFileSync(ref('gmm_ML.hdf5'));
    fs.writeFileSync(half, bytes.subarray(0, bytes.length >> 1));
    await expect(readGMMFile(half)).rejects.toMatchObject(fileFormat('half.hdf5', 'truncated'));
    await expect(readGMMFile(new Uint8Array(bytes.subarray(0, bytes.length >> 1)))).rejects.toMatchObject(fileFormat('truncated'));
  });

  test('random bytes and an empty file are rejected', async () => {
    let seed = 7;
    const noise = Uint8Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) % 2147483648) & 255);
    await expect(readGMMFile(noise)).rejects.toMatchObject(fileFormat('not a readable HDF5 file'));
    const empty = path.join(dir, 'empty.hdf5');
    fs.writeFileSync(empty, '');
    await expect(readGMMFile(empty)).rejects.toMatchObject(fileFormat('empty.hdf5', 'not a readable HDF5 file'));
  });

  test('a damaged global heap is rejected before HDF5 would loop forever on it', async () => {
    const bytes = new Uint8Array(fs.readFileSync(ref('gmm_ML.hdf5')));
    const heap = Buffer.from(bytes).indexOf('GCOL');
    expect(findCorruptGlobalHeap(bytes)).toBe(-1);
    // the size of the collection's first object (h5py and h5wasm hang reading `trainer` on this file)
    bytes[heap + 24] = 116;
    expect(findCorruptGlobalHeap(bytes)).toBe(heap);
    await expect(readGMMFile(bytes)).rejects.toMatchObject(fileFormat('corrupt HDF5 file', `global heap collection at byte ${heap}`));
    // Searched piece by piece as a file is read, with the signature and the header across pieces.
    for (const cut of [heap + 1, heap + 3, heap + 4, heap + 9, heap + 20, 17]) {
      const scan = new GlobalHeapScan();
      scan.add(bytes, cut);
      scan.add(bytes, bytes.length);
      expect(scan.firstCorrupt(bytes)).toBe(heap);
    }
    const damaged = path.join(dir, 'damaged-heap.hdf5');
    fs.writeFileSync(damaged, bytes);
    await expect(readGMMFile(damaged)).rejects.toMatchObject(fileFormat('damaged-heap.hdf5', `global heap collection at byte ${heap}`));
  });

  test.each([
    ['gmm_ML.hdf5', readGMMFile],
    ['stats.hdf5', readStatsFile],
  ] as const)('randomly damaged copies of %s read or fail with FILE_FORMAT, never anything else', async (file, read) => {
    const original = new Uint8Array(fs.readFileSync(ref(file)));
    let seed = 2024;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let i = 0; i < 300; i++) {
      const bytes = Uint8Array.from(original);
      for (let flips = 1 + next(6); flips > 0; flips--) bytes[next(bytes.length)] = next(256);
      const outcome = await read(bytes).then(() => 'read', (e: { code?: string }) => e.code);
      expect(['read', 'FILE_FORMAT']).toContain(outcome);
    }
    expect((await read(original)).nGaussians).toBe(2);
  });

  test('a missing file and a directory are invalid arguments', async () => {
    await expect(readGMMFile(path.join(dir, 'nope.hdf5'))).rejects.toMatchObject(invalid('no such file'));
    await expect(readGMMFile(dir)).rejects.toMatchObject(invalid('is a directory'));
    await expect(readGMMFile(42 as unknown as string)).rejects.toMatchObject(invalid('file path or a Uint8Array'));
  });

  test.each([
    ['no-weights', 'del h["weights"]', 'dataset weights is missing'],
    ['no-means', 'del h["gaussians/means"]', 'dataset gaussians/means is missing'],
    ['weights-3', 'del h["weights"]; h["weights"] = np.ones(3) / 3', 'dataset weights has shape [3], expected [2]'],
    ['means-3x2', 'del h["gaussians/means"]; h["gaussians/means"] = np.ones((3, 2))', 'gaussians/means has shape [3,2], expected [2, D]'],
    ['variances-2x3', 'del h["gaussians/variances"]; h["gaussians/variances"] = np.ones((2, 3))', 'gaussians/variances has shape [2,3], expected [2,2]'],
    ['thresholds-3', 'del h["gaussians/variance_thresholds"]; h["gaussians/variance_thresholds"] = np.ones(3)', 'variance_thresholds has shape [3]'],
    ['nan-means', 'h["gaussians/means"][0, 1] = np.nan', 'gaussians/means holds non-finite values'],
    ['inf-weights', 'h["weights"][1] = np.inf', 'weights holds non-finite values'],
    ['trainer', 'del h["trainer"]; h["trainer"] = "em"', 'trainer is "em"'],
    ['flag-2', 'del h["update_means"]; h["update_means"] = np.int8(2)', 'update_means holds 2, not a boolean'],
    ['k-float', 'del h["n_gaussians"]; h["n_gaussians"] = 2.5', 'n_gaussians holds 2.5, not an integer'],
    ['means-group', 'del h["gaussians/means"]; h.create_group("gaussians/means")', 'gaussians/means is a Group, not a dataset'],
  ])('GMM file with %s is rejected', async (name, edit, message) => {
    const file = variant(`${name}.hdf5`, 'gmm_ML.hdf5', edit);
    await expect(readGMMFile(file)).rejects.toMatchObject(fileFormat(`${name}.hdf5`, message));
  });

  test('legacy GMM file with a missing Gaussian group is rejected', async () => {
    const file = variant('legacy-1.hdf5', 'gmm_ML_legacy.hdf5', 'del h["m_gaussians1"]');
    await expect(readGMMFile(file)).rejects.toMatchObject(fileFormat('m_gaussians1/m_mean is missing'));
  });

  test('stats file with non-finite sums or a wrong shape is rejected', async () => {
    const inf = variant('stats-inf.hdf5', 'stats.hdf5', 'h["sumPxx"][1, 1] = np.inf');
    await expect(readStatsFile(inf)).rejects.toMatchObject(fileFormat('stats-inf.hdf5', 'sumPxx holds non-finite values'));
    const n = variant('stats-n.hdf5', 'stats.hdf5', 'del h["n"]; h["n"] = np.ones(3)');
    await expect(readStatsFile(n)).rejects.toMatchObject(fileFormat('dataset n has shape [3], expected [2]'));
  });
});

describe('writing invalid records', () => {
  const dir = scratchDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['weights', (r: GMMRecord) => ({ ...r, weights: Float64Array.of(1) }), 'weights has 1 values, expected 2'],
    ['means', (r: GMMRecord) => ({ ...r, means: Float64Array.of(1, 2, NaN, 4) }), 'means holds non-finite values'],
    ['variances', (r: GMMRecord) => ({ ...r, variances: [1, 2, 3, 4] as unknown as Float64Array }), 'variances must be a Float64Array'],
    ['thresholds', (r: GMMRecord) => ({ ...r, varianceThresholds: { data: Float64Array.of(1, 2, 3), shape: [3] as [number] } }), 'varianceThresholds must have shape'],
    ['trainer', (r: GMMRecord) => ({ ...r, trainer: 'em' as 'ml' }), "trainer must be 'ml' or 'map'"],
    ['steps', (r: GMMRecord) => ({ ...r, maxFittingSteps: 2.5 }), 'maxFittingSteps must be an integer >= 0'],
    ['k', (r: GMMRecord) => ({ ...r, nGaussians: 0 }), 'nGaussians must be a positive integer'],
    ['flag', (r: GMMRecord) => ({ ...r, updateMeans: 1 as unknown as boolean }), 'updateMeans must be a boolean'],
  ])('a GMM record with bad %s is refused and nothing is written', async (name, spoil, message) => {
    const record = spoil(await readGMMFile(ref('gmm_ML.hdf5')));
    const out = path.join(dir, `${name}.hdf5`);
    await expect(writeGMMFile(out, record)).rejects.toMatchObject(invalid(message));
    await expect(gmmToBytes(record)).rejects.toMatchObject(invalid(message));
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('a stats record with a negative T is refused; a fractional T is the total weight of weighted samples', async () => {
    const record = await readStatsFile(ref('stats.hdf5'));
    await expect(statsToBytes({ ...record, t: -1 })).rejects.toMatchObject(invalid('t must be >= 0, got -1'));
    // n summing to T: the same statistics, their samples counting half
    const half = { ...record, t: record.t / 2, n: record.n.map((v) => v / 2), sumPx: record.sumPx.map((v) => v / 2), sumPxx: record.sumPxx.map((v) => v / 2) };
    expect((await readStatsFile(await statsToBytes(half))).t).toBe(record.t / 2);
  });
});
