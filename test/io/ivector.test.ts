/**
 * IVectorMachine files: bob 2.x's m_T [C * D, R], m_sigma [C * D] and m_variance_threshold as
 * h5py reads them, our settings beside them and the UBM in group ubm (bob's GMMMachine
 * layout); exact round trips; damaged files are FILE_FORMAT errors naming what is wrong.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { IVectorMachine } from '../../src/machines/IVectorMachine.js';
import { flat, h5py, python, scratchDir } from './helpers.js';

const dir = scratchDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function machine(): IVectorMachine {
  const ubm = new GMMMachine(2, { weights: [0.4, 0.6] });
  ubm.means = [[1, 7, 4], [4, 5, 3]];
  ubm.variances = [[0.5, 1, 1.5], [1, 1.5, 2]];
  const m = new IVectorMachine(ubm, { dimT: 2, updateSigma: false, varianceFloor: 1e-5, maxIterations: 7, randomState: 3 });
  m.T = Float64Array.from({ length: 12 }, (_, i) => (i - 5.5) / 3);
  m.sigma = [1, 2, 1, 3, 2, 4];
  return m;
}

test('save writes bob 2.x datasets and the UBM; fromHDF5 reads back the same machine, exactly', async () => {
  const m = machine();
  const file = path.join(dir, 'tv.h5');
  await m.save(file);
  const dump = h5py(file);
  expect(dump.attrs.writer_class.value).toBe("<class 'tfjs_em.IVectorMachine'>");
  expect(dump.datasets.m_T.shape).toEqual([6, 2]);
  expect(flat(dump.datasets.m_T.value)).toEqual(Array.from(m.T!));
  expect(dump.datasets.m_sigma.shape).toEqual([6]);
  expect(dump.datasets.m_variance_threshold.value).toBe(1e-5);
  expect(flat(dump.datasets['ubm/gaussians/means'].value)).toEqual([1, 7, 4, 4, 5, 3]);
  const back = await IVectorMachine.fromHDF5(file);
  expect(Array.from(back.T!)).toEqual(Array.from(m.T!));
  expect(Array.from(back.sigma!)).toEqual(Array.from(m.sigma!));
  expect([back.dimT, back.updateSigma, back.varianceFloor, back.maxIterations, back.randomState]).toEqual([2, false, 1e-5, 7, 3]);
  expect(Array.from(back.ubm.weights)).toEqual([0.4, 0.6]);
  const s = new GMMStats(2, 3);
  [s.t, s.n, s.sumPx] = [1, Float64Array.of(0.4, 0.6), [1, 2, 3, 2, 4, 3]];
  expect(Array.from(back.project(s))).toEqual(Array.from(m.project(s)));
  expect(Array.from(await IVectorMachine.fromHDF5(await m.toBytes()).then((b) => b.T!))).toEqual(Array.from(m.T!));
  back.dispose();
});

test('damaged files: FILE_FORMAT errors that name the dataset', async () => {
  const file = path.join(dir, 'bad.h5');
  await machine().save(file);
  const edit = (script: string) => {
    const copy = path.join(dir, `edit-${Math.random().toString(36).slice(2)}.h5`);
    fs.copyFileSync(file, copy);
    python(`f = h5py.File(sys.argv[1], 'r+')\n${script}\nf.close()`, copy);
    return copy;
  };
  const fails = (f: string) => IVectorMachine.fromHDF5(f).then(() => null, (e: { code: string; message: string }) => `${e.code}: ${e.message.replace(`${f}: `, '')}`);
  expect(await fails(edit("del f['m_T']; f['m_T'] = np.ones((5, 2))"))).toBe('FILE_FORMAT: dataset m_T has shape [5,2], expected [6, R] (the UBM\'s C * D by the rank)');
  expect(await fails(edit("f['m_sigma'][2] = 0"))).toBe('FILE_FORMAT: m_sigma[2] is 0, expected > 0');
  expect(await fails(edit("del f['ubm']"))).toBe('FILE_FORMAT: group ubm (the UBM) is missing');
  expect(await GMMMachine.fromHDF5(file).then(() => null, (e: Error) => e.message)).toMatch(/this is an IVectorMachine file, not a GMMMachine file/);
});
