import fs from 'node:fs';
import path from 'node:path';
import { readStatsFile, statsToBytes, writeStatsFile, type StatsRecord } from '../../src/io/index.js';
import { flat, h5py, python, ref, scratchDir } from './helpers.js';

describe('GMMStats files', () => {
  const dir = scratchDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('stats.hdf5 gives the values h5py reads', async () => {
    const d = h5py(ref('stats.hdf5')).datasets;
    const r = await readStatsFile(ref('stats.hdf5'));
    expect(r.nGaussians).toBe(d.n_gaussians.value);
    expect(r.nFeatures).toBe(d.n_features.value);
    expect(r.logLikelihood).toBe(d.log_likelihood.value);
    expect(r.t).toBe(d.T.value);
    expect(r.t).toBe(272);
    expect(Array.from(r.n)).toEqual(d.n.value);
    expect(Array.from(r.sumPx)).toEqual(flat(d.sumPx.value));
    expect(Array.from(r.sumPxx)).toEqual(flat(d.sumPxx.value));
  });

  test('round trip through a file and through bytes is exact', async () => {
    const record = await readStatsFile(ref('stats.hdf5'));
    const out = path.join(dir, 'stats.hdf5');
    await writeStatsFile(out, record);
    expect(await readStatsFile(out)).toEqual(record);
    expect(await readStatsFile(await statsToBytes(record))).toEqual(record);
  });

  test('h5py reads our file exactly as bob\'s: same values, dtypes and attributes', async () => {
    const out = path.join(dir, 'h5py.hdf5');
    await writeStatsFile(out, await readStatsFile(ref('stats.hdf5')));
    expect(h5py(out)).toEqual(h5py(ref('stats.hdf5')));
  });

  test('the legacy layout (n_inputs, log_liklihood, arrays reshaped) is read', async () => {
    const legacy = path.join(dir, 'legacy.hdf5');
    python(
      `h = h5py.File(sys.argv[1], 'w')
h['n_gaussians'] = np.array([2], dtype=np.int64)
h['n_inputs'] = np.array([3], dtype=np.int64)
h['log_liklihood'] = np.array([-12.5])
h['T'] = np.array([7], dtype=np.int64)
h['n'] = np.array([[3.0], [4.0]])
h['sumPx'] = np.arange(6.0)
h['sumPxx'] = np.arange(6.0).reshape(3, 2) ** 2
h.close()`,
      legacy,
    );
    const expected: StatsRecord = {
      nGaussians: 2, nFeatures: 3, logLikelihood: -12.5, t: 7,
      n: Float64Array.of(3, 4), sumPx: Float64Array.of(0, 1, 2, 3, 4, 5), sumPxx: Float64Array.of(0, 1, 4, 9, 16, 25),
    };
    expect(await readStatsFile(legacy)).toEqual(expected);
  });
});

test('a Gaussian holding about one frame: float32 rounding below sumPx^2 / n is written and read; a real deficit is refused', async () => {
  // the shape of `tfjs-em stats` on an 80-frame utterance under a 4-Gaussian UBM: Gaussian 0 held
  // one frame with responsibility 0.366, and its float32 sums put n sumPxx 1.7e-8 below sumPx^2
  const n = 0.3664066791534424;
  const sumPx = [2.0514, 1.5989, -0.0121, 0, 0, 0];
  const record = (deficit: number): StatsRecord => ({
    nGaussians: 2, nFeatures: 3, logLikelihood: -3, t: 1, n: Float64Array.of(n, 1 - n), sumPx: Float64Array.from(sumPx),
    sumPxx: Float64Array.from(sumPx, (v, e) => (e < 3 ? ((v * v) / n) * (1 - deficit) : 1)),
  });
  const back = await readStatsFile(await statsToBytes(record(1.7e-8)));
  expect(back.sumPxx[0]).toBe(record(1.7e-8).sumPxx[0]);
  await expect(statsToBytes(record(1e-3))).rejects.toThrow(/sumPxx\[0\]\[0\] is [\d.]+, below what sumPx and n allow/);
});
