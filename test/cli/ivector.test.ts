/**
 * The command line's back-end on per-utterance statistics files (tfjs-em stats under a UBM):
 * ivector train | extract equal the library's IVectorMachine fit (same statistics, same seed) and
 * transform; score --linear equals linearScoring, and with cohorts zNorm, tNorm and ztNorm of the
 * library's scores; info describes an i-vector file; mistakes are named.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { IVectorMachine } from '../../src/machines/IVectorMachine.js';
import { linearScoring } from '../../src/scoring/linearScoring.js';
import { ztNorm } from '../../src/math/ztNorm.js';
import { readData, parseDataSpec } from '../../src/io/data/read.js';
import { buildOnce, tfjsEm } from './cli.js';
import { blobs, tempDir, writeNpy } from './fixtures.js';

const dir = tempDir();
const ubmFile = path.join(dir, 'ubm.h5');
const statsDir = path.join(dir, 'stats');
const utterances = 6;

beforeAll(async () => {
  await buildOnce();
  mkdirSync(statsDir);
  const x = blobs([[0, 0, 0], [6, 6, 6], [-6, 6, 0]], 120, 5);
  const train = await tfjsEm(['train', '--data', writeNpy(path.join(dir, 'x.npy'), x), '--gaussians', '3', '--steps', '10', '--out', ubmFile, '-q']);
  if (train.code !== 0) throw new Error(train.stderr);
  for (let u = 0; u < utterances; u++) {
    const rows = 360 / utterances;
    const part = { data: x.data.subarray(u * rows * 3, (u + 1) * rows * 3), shape: [rows, 3] as [number, number] };
    const file = writeNpy(path.join(dir, `u${u}.npy`), part);
    const run = await tfjsEm(['stats', '--model', ubmFile, '--data', file, '--out', path.join(statsDir, `u${u}.h5`), '-q']);
    if (run.code !== 0) throw new Error(run.stderr);
  }
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const statsFiles = () => Array.from({ length: utterances }, (_, u) => path.join(statsDir, `u${u}.h5`));

test('train then extract: the library model and i-vectors, exactly; info describes the model', async () => {
  const model = path.join(dir, 'tv.h5');
  const run = await tfjsEm(['ivector', 'train', '--ubm', ubmFile, '--stats', statsDir, '--dim', '2', '--steps', '4', '--seed', '9', '--out', model, '--format', 'json']);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ utterances, gaussians: 3, features: 3, dimT: 2, steps: 4 });
  expect(run.stderr).toMatch(/i-vector EM step 4\/4/);
  const stats = await Promise.all(statsFiles().map((f) => GMMStats.fromHDF5(f)));
  const ubm = await GMMMachine.fromHDF5(ubmFile);
  const library = new IVectorMachine(ubm, { dimT: 2, maxIterations: 4, randomState: 9 }).fit(stats);
  const file = await IVectorMachine.fromHDF5(model);
  expect(Array.from(file.T!)).toEqual(Array.from(library.T!));
  expect(Array.from(file.sigma!)).toEqual(Array.from(library.sigma!));

  const out = path.join(dir, 'iv.npy');
  const extract = await tfjsEm(['ivector', 'extract', '--model', model, '--stats', ...statsFiles(), '--out', out, '-q']);
  expect(extract.code).toBe(0);
  const vectors = await readData(parseDataSpec(out));
  expect(vectors.shape).toEqual([utterances, 2]);
  expect(Array.from(vectors.data)).toEqual(library.transform(stats).flatMap((v) => Array.from(v)));
  const info = await tfjsEm(['info', model, '--format', 'json']);
  expect(JSON.parse(info.stdout)).toMatchObject({ kind: 'IVectorMachine', gaussians: 3, features: 3, dimT: 2, maxIterations: 4 });
  file.dispose();
  ubm.dispose();
});

test('mistakes are named: no action, a wrong action, statistics of another model, no --dim', async () => {
  const lines = async (args: string[]) => (await tfjsEm(args)).errLines;
  expect(await lines(['ivector', '--ubm', ubmFile])).toEqual(['tfjs-em: ivector: name the action: train or extract (see tfjs-em ivector --help)']);
  expect(await lines(['ivector', 'fit', '--ubm', ubmFile])).toEqual(["tfjs-em: ivector: unknown action 'fit': train or extract (see tfjs-em ivector --help)"]);
  expect(await lines(['ivector', 'train', '--ubm', ubmFile, '--stats', statsDir, '--out', path.join(dir, 'never.h5')])).toEqual(['tfjs-em: --dim: required: the dimension of the i-vectors']);
  const other = path.join(dir, 'other.h5');
  const x = blobs([[1, 1, 1], [5, 5, 5], [-5, 5, 0]], 50, 6);
  expect((await tfjsEm(['train', '--data', writeNpy(path.join(dir, 'y.npy'), x), '--gaussians', '3', '--steps', '3', '--out', other, '-q'])).code).toBe(0);
  const stranger = await lines(['ivector', 'train', '--ubm', other, '--stats', statsFiles()[0], '--dim', '2', '--out', path.join(dir, 'never.h5')]);
  expect(stranger).toEqual([`tfjs-em: ${statsFiles()[0]}: holds statistics of another model than the UBM of ${other}: run tfjs-em stats with that UBM`]);
  expect(() => readFileSync(path.join(dir, 'never.h5'))).toThrow();
});

test('score --linear: linearScoring of adapted models on test statistics; Z-, T- and ZT-norm with cohorts', async () => {
  const models = path.join(dir, 'models');
  const data = Array.from({ length: utterances }, (_, u) => path.join(dir, `u${u}.npy`));
  expect((await tfjsEm(['adapt', '--ubm', ubmFile, '--data', ...data, '--out', models, '-q'])).code).toBe(0);
  const modelFiles = Array.from({ length: utterances }, (_, u) => path.join(models, `u${u}.h5`));
  const [enrolled, cohort] = [modelFiles.slice(0, 2), modelFiles.slice(2, 4)];
  const [tests, zCohort] = [statsFiles().slice(0, 3), statsFiles().slice(3)];
  const ubm = await GMMMachine.fromHDF5(ubmFile);
  const load = (files: string[]) => Promise.all(files.map((f) => GMMMachine.fromHDF5(f, ubm)));
  const loadStats = (files: string[]) => Promise.all(files.map((f) => GMMStats.fromHDF5(f)));
  const [m, t, z, c] = [await load(enrolled), await loadStats(tests), await loadStats(zCohort), await load(cohort)];
  const matrix = (ms: GMMMachine[], ss: GMMStats[]) => ({ data: linearScoring(ms, ubm, ss), shape: [ms.length, ss.length] as [number, number] });
  const raw = matrix(m, t);
  const run = async (extra: string[]) => {
    const r = await tfjsEm(['score', '--linear', '--ubm', ubmFile, '--models', ...enrolled, '--stats', ...tests, ...extra, '--format', 'json', '-q']);
    if (r.code !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout);
  };
  const plain = await run([]);
  expect(plain).toMatchObject({ normalisation: 'none', models: enrolled, tests });
  expect(plain.scores).toEqual(Array.from(raw.data));
  expect((await run(['--znorm-stats', ...zCohort])).scores).toEqual(Array.from(ztNorm(raw, matrix(m, z), null, null).data));
  expect((await run(['--tnorm-models', ...cohort])).scores).toEqual(Array.from(ztNorm(raw, null, matrix(c, t), null).data));
  const zt = await run(['--znorm-stats', ...zCohort, '--tnorm-models', ...cohort, '--out', path.join(dir, 'scores.npy')]);
  expect(zt.normalisation).toBe('zt-norm');
  const expected = ztNorm(raw, matrix(m, z), matrix(c, t), matrix(c, z)).data;
  expect(zt.scores).toEqual(Array.from(expected));
  const file = await readData(parseDataSpec(path.join(dir, 'scores.npy')));
  expect([file.shape, Array.from(file.data)]).toEqual([[2, 3], Array.from(expected)]);
  const noUbm = await tfjsEm(['score', '--linear', '--models', ...enrolled, '--stats', ...tests]);
  expect(noUbm.errLines).toEqual(['tfjs-em: --ubm: required with --linear: the UBM the models were adapted from']);
  for (const g of [ubm, ...m, ...c]) g.dispose();
});
