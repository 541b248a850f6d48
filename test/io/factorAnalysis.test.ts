/**
 * ISVMachine and JFAMachine files: bob 2.x's U [C * D, rU], V [C * D, rV] and d [C * D] as h5py
 * reads them, our settings beside them and the UBM in group ubm; exact round trips; a file as
 * bob 2.x wrote it (U, d, V only) read with its UBM given; damaged files are FILE_FORMAT errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { ISVMachine } from '../../src/machines/factorAnalysis/ISVMachine.js';
import { JFAMachine } from '../../src/machines/factorAnalysis/JFAMachine.js';
import { flat, h5py, python, scratchDir } from './helpers.js';

const dir = scratchDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function ubm(): GMMMachine {
  const m = new GMMMachine(2, { weights: [0.4, 0.6] });
  m.means = [[1, 6, 2], [4, 3, 2]];
  m.variances = [[1, 2, 1], [2, 1, 2]];
  return m;
}

const ramp = (n: number, scale: number) => Float64Array.from({ length: n }, (_, i) => (i - n / 2) / scale);

function jfa(base = ubm()): JFAMachine {
  const m = new JFAMachine(base, { rU: 2, rV: 3, relevanceFactor: 6, emIterations: 4, enrollIterations: 2, randomState: 9 });
  [m.U, m.V, m.D] = [ramp(12, 3), ramp(18, 7), ramp(6, 5)];
  return m;
}

const probe = () => {
  const s = new GMMStats(2, 3);
  [s.t, s.n, s.sumPx] = [2, Float64Array.of(0.8, 1.2), [1, 2, 3, 4, 5, 6]];
  return s;
};

test('a JFA file holds bob 2.x datasets, the settings and the UBM; fromHDF5 reads back the same machine, exactly', async () => {
  const m = jfa();
  const file = path.join(dir, 'jfa.h5');
  await m.save(file);
  const dump = h5py(file);
  expect(dump.attrs.writer_class.value).toBe("<class 'tfjs_em.JFAMachine'>");
  expect([dump.datasets.U.shape, dump.datasets.V.shape, dump.datasets.d.shape]).toEqual([[6, 2], [6, 3], [6]]);
  expect(flat(dump.datasets.V.value)).toEqual(Array.from(m.V));
  expect([dump.datasets.relevance_factor.value, dump.datasets.em_iterations.value, dump.datasets.enroll_iterations.value]).toEqual([6, 4, 2]);
  expect(flat(dump.datasets['ubm/gaussians/means'].value)).toEqual([1, 6, 2, 4, 3, 2]);
  const back = await JFAMachine.fromHDF5(file);
  expect([back.rU, back.rV, back.relevanceFactor, back.emIterations, back.enrollIterations, back.randomState]).toEqual([2, 3, 6, 4, 2, 9]);
  for (const key of ['U', 'V', 'D'] as const) expect(Array.from(back[key])).toEqual(Array.from(m[key]));
  const model = m.enroll([probe()]);
  expect(back.score(model, [probe()])).toBe(m.score(model, [probe()]));
  back.dispose();
});

test('an ISV file round-trips through bytes; GMMMachine and JFAMachine refuse it by name', async () => {
  const m = new ISVMachine(ubm(), { rU: 2 });
  m.U = ramp(12, 4);
  const bytes = await m.toBytes();
  const back = await ISVMachine.fromHDF5(bytes);
  expect(Array.from(back.U)).toEqual(Array.from(m.U));
  expect(Array.from(back.D)).toEqual(Array.from(m.D));
  expect(back.score(m.enroll([probe()]), [probe()])).toBe(m.score(m.enroll([probe()]), [probe()]));
  expect(await JFAMachine.fromHDF5(bytes).then(() => null, (e: Error) => e.message)).toMatch(/this is an ISVMachine file, not a JFAMachine file/);
  expect(await GMMMachine.fromHDF5(bytes).then(() => null, (e: Error) => e.message)).toMatch(/this is an ISVMachine file, not a GMMMachine file/);
  back.dispose();
});

test("bob 2.x's layout (U, V, d; no UBM, no settings) is read with the UBM given, bob's defaults for the rest", async () => {
  const file = path.join(dir, 'bob2.h5');
  python(
    "f = h5py.File(sys.argv[1], 'w')\nf['U'] = np.arange(12.).reshape(6, 2) / 7\nf['V'] = np.arange(6.).reshape(6, 1) / 5\nf['d'] = np.arange(6.) / 3\nf.close()",
    file,
  );
  const base = ubm();
  expect(await JFAMachine.fromHDF5(file).then(() => null, (e: Error) => e.message)).toMatch(/holds no UBM \(a bob 2.x file\): give the UBM it was trained on/);
  const m = await JFAMachine.fromHDF5(file, base);
  expect(m.ubm).toBe(base);
  expect([m.rU, m.rV, m.relevanceFactor, m.emIterations, m.enrollIterations]).toEqual([2, 1, 4, 10, 1]);
  expect(Array.from(m.V)).toEqual([0, 1, 2, 3, 4, 5].map((v) => v / 5));
  m.dispose();
  expect(base.isInitialized).toBe(true); // the given UBM stays the caller's
  base.dispose();
});

test('damaged files: FILE_FORMAT errors that name the dataset', async () => {
  const file = path.join(dir, 'bad.h5');
  await jfa().save(file);
  const edit = (script: string) => {
    const copy = path.join(dir, `edit-${Math.random().toString(36).slice(2)}.h5`);
    fs.copyFileSync(file, copy);
    python(`f = h5py.File(sys.argv[1], 'r+')\n${script}\nf.close()`, copy);
    return copy;
  };
  const fails = (f: string) => JFAMachine.fromHDF5(f).then(() => null, (e: { code: string; message: string }) => `${e.code}: ${e.message.replace(`${f}: `, '')}`);
  expect(await fails(edit("del f['V']; f['V'] = np.ones((5, 2))"))).toBe("FILE_FORMAT: dataset V has shape [5,2], expected [6, rank] (the UBM's C * D by the rank)");
  expect(await fails(edit("f['d'][2] = np.nan"))).toBe('FILE_FORMAT: dataset d holds non-finite values');
  expect(await fails(edit("f['em_iterations'][()] = -1"))).toBe('FILE_FORMAT: em_iterations is -1, expected at least 0');
  expect(await fails(edit("f['relevance_factor'][()] = 0"))).toBe('FILE_FORMAT: relevance_factor is 0, expected > 0');
});
