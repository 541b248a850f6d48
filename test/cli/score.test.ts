/** tfjs-em stats, score and adapt, run as a user would; values checked against bob's files and in-process results. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { expectClose } from '../helpers/expectClose.js';
import { faithful, referencePath } from '../helpers/reference.js';
import { buildOnce, tfjsEm } from './cli.js';
import { blobs, csvText, h5pyRead, tempDir, writeBobGMM, writeNpy } from './fixtures.js';

const FAITHFUL = referencePath('faithful.torch3_f64.hdf5');
const UBM = referencePath('gmm_ML.hdf5');
const dir = tempDir();

beforeAll(buildOnce, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("stats writes bob's GMMStats of the faithful data (stats.hdf5), equal to accStats", async () => {
  const model = writeBobGMM(path.join(dir, 'model.h5'), { weights: [0.5, 0.5], means: [[3, 70], [4, 72]], variances: [[1, 10], [2, 5]], floor: 0 });
  const out = path.join(dir, 'stats.h5');
  const run = await tfjsEm(['stats', '--model', model, '--data', `${FAITHFUL}:/arrayset`, '--out', out, '--quiet']);
  expect(run.code).toBe(0);
  const got = h5pyRead(out);
  const ref = h5pyRead(referencePath('stats.hdf5'));
  expect(got.attrs.file_version).toBe('1.0');
  expect(Object.keys(got.datasets).sort()).toEqual(Object.keys(ref.datasets).sort());
  expect(got.datasets.T).toEqual(ref.datasets.T);
  const inProcess = await (await GMMMachine.fromHDF5(model)).accStats(await faithful());
  const values = (name: string) => [got.datasets[name].value].flat(2) as number[];
  expectClose(values('n'), inProcess.n, 1e-12);
  expectClose(values('sumPx'), inProcess.sumPx, 1e-12);
  expectClose(values('sumPxx'), inProcess.sumPxx, 1e-12);
  expectClose(values('log_likelihood'), [inProcess.logLikelihood], 1e-12);
  for (const name of ['n', 'sumPx', 'sumPxx', 'log_likelihood']) expectClose(values(name), [ref.datasets[name].value].flat(2) as number[], 1e-5);
});

test('adapt reproduces bob\'s MAP of the faithful data (gmm_MAP.hdf5)', async () => {
  const out = path.join(dir, 'map.h5');
  const run = await tfjsEm(['adapt', '--ubm', UBM, '--data', FAITHFUL, '--relevance', '4', '--update', 'means', '--out', out, '--format', 'json']);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout).models).toEqual([expect.objectContaining({ file: FAITHFUL, model: out, frames: 272 })]);
  const got = h5pyRead(out).datasets;
  expect(got.trainer.value).toBe('map');
  const ref = h5pyRead(referencePath('gmm_MAP.hdf5')).datasets;
  expectClose((got['gaussians/means'].value as number[][]).flat(), (ref['gaussians/means'].value as number[][]).flat(), 2e-6);
});

describe('several utterances', () => {
  const folder = path.join(dir, 'utterances');
  const centres = [[0, 0], [4, 4], [-4, 4]];
  const utterances = [0, 1, 2].map((i) => blobs(centres, 30 + 10 * i, 20 + i));
  mkdirSync(folder);
  writeNpy(path.join(folder, 'a.npy'), utterances[0]);
  writeFileSync(path.join(folder, 'b.csv'), csvText(utterances[1]));
  writeFileSync(path.join(folder, 'c.txt'), csvText(utterances[2], ' '));
  const ubmFile = writeBobGMM(path.join(dir, 'ubm.h5'), { weights: [0.3, 0.3, 0.4], means: centres, variances: [[1, 1], [1, 2], [2, 1]] });

  test('score --format json equals GMMMachine.score in-process, one row per file', async () => {
    const run = await tfjsEm(['score', '--model', ubmFile, '--data', folder, '--format', 'json']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.files.map((f: { file: string }) => path.basename(f.file))).toEqual(['a.npy', 'b.csv', 'c.txt']);
    const ubm = await GMMMachine.fromHDF5(ubmFile);
    for (const [i, row] of doc.files.entries()) {
      expect(row.frames).toBe(90 + 30 * i);
      expectClose(row.score, await ubm.score(utterances[i]), 1e-6);
    }
    ubm.dispose();
  });

  test('adapt writes one model per file into a folder; score --ubm gives their LLR (csv, per sample)', async () => {
    const models = path.join(dir, 'models');
    const run = await tfjsEm(['adapt', '--ubm', ubmFile, '--data', folder, '--steps', '3', '--out', models, '-q']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^file +model +frames +steps +avg_log_likelihood$/);
    expect(readdirSync(models).sort()).toEqual(['a.h5', 'b.h5', 'c.h5']);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const scored = await tfjsEm(['score', '--model', path.join(models, 'b.h5'), '--ubm', ubmFile, '--data', path.join(folder, 'b.csv'), path.join(folder, 'a.npy'), '--per-sample', '--format', 'csv']);
    expect(scored.code).toBe(0);
    const lines = scored.stdout.trim().split('\n');
    expect(lines[0]).toBe('file,frame,llr');
    expect(lines).toHaveLength(1 + 120 + 90);
    const ubm = await GMMMachine.fromHDF5(ubmFile);
    const model = await GMMMachine.fromHDF5(path.join(models, 'b.h5'), ubm);
    const [ll, background] = [await model.logLikelihood(utterances[1]), await ubm.logLikelihood(utterances[1])];
    const llr = lines.slice(1, 121).map((l) => Number(l.split(',')[2]));
    expectClose(llr, ll.map((v, i) => v - background[i]), 1e-9, 1e-9);

    // A MAP model alone: its parameters are enough to score.
    const alone = JSON.parse((await tfjsEm(['score', '--model', path.join(models, 'b.h5'), '--data', path.join(folder, 'b.csv'), '--format', 'json'])).stdout);
    expectClose(alone.files[0].score, await model.score(utterances[1]), 1e-6);
  });
});
