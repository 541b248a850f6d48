/**
 * The command line's side of the everyday GMM API: predict (labels or responsibilities), sample,
 * score's bic and aic, select (the number of Gaussians by BIC), train --n-init and --mini-batch;
 * each checked against the library on the same model and data.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { KMeansMachine } from '../../src/machines/KMeansMachine.js';
import { readData, parseDataSpec } from '../../src/io/data/read.js';
import { expectClose } from '../helpers/expectClose.js';
import { correlatedModel, sampleModel } from '../helpers/correlated.js';
import { buildOnce, tfjsEm } from './cli.js';
import { PYTHON, blobs, tempDir, writeNpy } from './fixtures.js';

const dir = tempDir();
const x = blobs([[0, 0, 0], [8, 8, 8], [-8, 8, 0], [8, -8, 4]], 150, 21);
const data = writeNpy(path.join(dir, 'x.npy'), x);
let model: string;

beforeAll(async () => {
  await buildOnce();
  model = path.join(dir, 'model.h5');
  const run = await tfjsEm(['train', '--data', data, '--gaussians', '4', '--steps', '20', '--out', model, '-q']);
  if (run.code !== 0) throw new Error(run.stderr);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ok(args: string[]) {
  const run = await tfjsEm([...args, '--format', 'json', '-q']);
  if (run.code !== 0) throw new Error(`tfjs-em ${args.join(' ')}: exit ${run.code}\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

const read = async (file: string) => readData(parseDataSpec(file));

/** What numpy.load makes of a file (Debian's numpy). */
function numpyLoad(file: string): { dtype: string; shape: number[]; values: number[] } {
  const script = `import json, sys, numpy\nx = numpy.load(sys.argv[1])\nprint(json.dumps({'dtype': str(x.dtype), 'shape': list(x.shape), 'values': x.ravel().tolist()}))`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' }));
}

test('predict: labels (.npy int32) and responsibilities (--proba, .csv) as the library gives them', async () => {
  const gmm = await GMMMachine.fromHDF5(model);
  const labels = path.join(dir, 'labels.npy');
  expect(await ok(['predict', '--model', model, '--data', data, '--out', labels])).toMatchObject({ samples: 600, gaussians: 4, values: 'labels' });
  expect(numpyLoad(labels)).toEqual({ dtype: 'int32', shape: [600], values: Array.from(await gmm.predict(x)) });
  const proba = path.join(dir, 'proba.csv');
  await ok(['predict', '--model', model, '--data', data, '--out', proba, '--proba']);
  const got = await read(proba);
  const want = await gmm.predictProba(x);
  expect(got.shape).toEqual([600, 4]);
  expectClose(got.data, want.data, 0, 1e-12);
  gmm.dispose();
});

test('sample: -n draws of the model, and their Gaussians, as GMMMachine.sample with the same seed', async () => {
  const out = path.join(dir, 'drawn.npy');
  const labels = path.join(dir, 'drawn-labels.csv');
  await ok(['sample', '--model', model, '-n', '500', '--seed', '3', '--out', out, '--labels', labels]);
  const gmm = await GMMMachine.fromHDF5(model);
  const want = gmm.sample(500, { randomState: 3 });
  expect((await read(out)).data).toEqual(want.data);
  expect(Array.from((await read(labels)).data)).toEqual(Array.from(want.labels));
  gmm.dispose();
});

test('score --format json: bic and aic per file, as the library computes them', async () => {
  const json = await ok(['score', '--model', model, '--data', data]);
  const gmm = await GMMMachine.fromHDF5(model);
  expectClose(json.files[0].bic, await gmm.bic(x), 1e-12);
  expectClose(json.files[0].aic, await gmm.aic(x), 1e-12);
  gmm.dispose();
});

test('score --format json: bic and aic of a full-covariance model count its parameters as the library does', async () => {
  const full = path.join(dir, 'full.h5');
  expect((await tfjsEm(['train', '--data', data, '--gaussians', '2', '--covariance', 'full', '--steps', '5', '--out', full, '-q'])).code).toBe(0);
  const json = await ok(['score', '--model', full, '--data', data]);
  const gmm = await GMMMachine.fromHDF5(full);
  expectClose(json.files[0].bic, await gmm.bic(x), 1e-12);
  expectClose(json.files[0].aic, await gmm.aic(x), 1e-12);
  gmm.dispose();
});

test('select: BIC picks the 4 Gaussians the data came from among 1, 2, 4 and 8; the curve is an SVG', async () => {
  const out = path.join(dir, 'best.h5');
  const json = await ok(['select', '--data', data, '--gaussians', '1,2,4,8', '--steps', '30', '--out', out]);
  expect(json).toMatchObject({ criterion: 'bic', chosen: 4, out, plot: path.join(dir, 'best.svg') });
  expect(json.candidates.map((c: { gaussians: number }) => c.gaussians)).toEqual([1, 2, 4, 8]);
  const bics = json.candidates.map((c: { bic: number }) => c.bic);
  expect(Math.min(...bics)).toBe(bics[2]);
  expect((await GMMMachine.fromHDF5(out)).nGaussians).toBe(4);
  const svg = readFileSync(path.join(dir, 'best.svg'), 'utf8');
  expect(svg).toMatch(/^<svg [^>]*>[^]*<polyline points="([\d.]+,[\d.]+ ){3}[\d.]+,[\d.]+"[^]*4 Gaussians[^]*<\/svg>\n$/);
  const run = await tfjsEm(['select', '--data', data, '--gaussians', '2,x', '--out', path.join(dir, 'never.h5')]);
  expect(run.errLines).toEqual(["tfjs-em: --gaussians: expected positive integers separated by commas; got '2,x'"]);
  expect(existsSync(path.join(dir, 'never.h5'))).toBe(false);
});

test('select --covariance diag,full: on correlated data BIC picks full covariances; each row counts its type\'s parameters', async () => {
  // two Gaussians whose features are correlated 0.95: a diagonal model needs many Gaussians to follow them
  const model64 = correlatedModel('full', 2, 3, { condition: 40, offset: 0, spread: 10, seed: 61 });
  const rows = sampleModel(model64, 800, 62);
  const xc = { data: Float64Array.from(rows.flat()), shape: [rows.length, 3] as [number, number] };
  const file = writeNpy(path.join(dir, 'correlated.npy'), xc);
  const out = path.join(dir, 'best-type.h5');
  const json = await ok(['select', '--data', file, '--gaussians', '1,2,4', '--covariance', 'diag,full', '--steps', '50', '--out', out]);
  expect(json).toMatchObject({ chosen: 2, chosenCovariance: 'full' });
  expect(json.candidates.map((c: { gaussians: number; covariance: string }) => `${c.covariance}${c.gaussians}`)).toEqual(['diag1', 'diag2', 'diag4', 'full1', 'full2', 'full4']);
  const best = await GMMMachine.fromHDF5(out);
  expect(best.covarianceType).toBe('full');
  const row = json.candidates.find((c: { gaussians: number; covariance: string }) => c.gaussians === 2 && c.covariance === 'full');
  // the same parameter count; the log-likelihoods are float32 device sums over other chunks
  expectClose(row.bic, await best.bic(xc), 1e-6);
  expectClose(row.aic, await best.aic(xc), 1e-6);
  best.dispose();
  expect(readFileSync(path.join(dir, 'best-type.svg'), 'utf8').match(/<polyline /g)).toHaveLength(2);
  const run = await tfjsEm(['select', '--data', file, '--gaussians', '2', '--covariance', 'diag,round', '--out', path.join(dir, 'never.h5')]);
  expect(run.errLines).toEqual(["tfjs-em: --covariance: expected covariance types from diag, full, tied, spherical, comma-separated; got 'diag,round'"]);
});

test('train --n-init 3 keeps the best of three starts (library nInit: the same model)', async () => {
  const out = path.join(dir, 'starts.h5');
  const run = await tfjsEm(['train', '--data', data, '--gaussians', '4', '--steps', '10', '--n-init', '3', '--out', out]);
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(/EM \(start 3\): step 1\//);
  const gmm = new GMMMachine(4, { nInit: 3, maxFittingSteps: 10, updateVariances: true, updateWeights: true });
  await gmm.fit(x, { onWarning: () => {} });
  const file = await GMMMachine.fromHDF5(out);
  expectClose(file.means, gmm.means, 1e-12);
  gmm.dispose();
});

test('train --mini-batch 100: stepwise EM over the file, one m-step per batch, as partialFit', async () => {
  const out = path.join(dir, 'online.h5');
  const json = await ok(['train', '--data', data, '--gaussians', '4', '--mini-batch', '100', '--out', out]);
  expect(json).toMatchObject({ steps: 6, frames: 600 });
  const gmm = new GMMMachine(4, { updateVariances: true, updateWeights: true });
  for (let start = 0; start < 600; start += 100) await gmm.partialFit({ data: x.data.subarray(start * 3, (start + 100) * 3), shape: [100, 3] });
  expectClose((await GMMMachine.fromHDF5(out)).means, gmm.means, 1e-12);
  gmm.dispose();
});

describe('--weights: one weight per sample, one file per data file', () => {
  /** 0, 1, 2 or 3 copies of each row, as weights (.csv) and as the repeated rows (.npy). */
  const counts = Array.from({ length: 600 }, (_, i) => (i * 7) % 4);
  const weightsFile = path.join(dir, 'w.csv');
  const repeatedFile = path.join(dir, 'repeated.npy');

  beforeAll(() => {
    writeFileSync(weightsFile, counts.join('\n') + '\n');
    const rows: number[] = [];
    counts.forEach((c, i) => {
      for (let t = 0; t < c; t++) rows.push(...x.data.subarray(i * 3, (i + 1) * 3));
    });
    writeNpy(repeatedFile, { data: Float64Array.from(rows), shape: [rows.length / 3, 3] });
  });

  test('train --init, stats, score and kmeans --init: integer weights give the results of repeated rows', async () => {
    const [a, b] = [path.join(dir, 'wa.h5'), path.join(dir, 'wb.h5')];
    await ok(['train', '--data', data, '--weights', weightsFile, '--init', model, '--steps', '5', '--threshold', '0', '--out', a]);
    await ok(['train', '--data', repeatedFile, '--init', model, '--steps', '5', '--threshold', '0', '--out', b]);
    const [ga, gb] = [await GMMMachine.fromHDF5(a), await GMMMachine.fromHDF5(b)];
    expectClose([...ga.weights, ...ga.means, ...ga.variances], [...gb.weights, ...gb.means, ...gb.variances], 1e-6, 1e-9);
    const [sa, sb] = [path.join(dir, 'wsa.h5'), path.join(dir, 'wsb.h5')];
    expect(await ok(['stats', '--model', model, '--data', data, '--weights', weightsFile, '--out', sa])).toMatchObject({ frames: 900 });
    await ok(['stats', '--model', model, '--data', repeatedFile, '--out', sb]);
    const [ta, tb] = [await GMMStats.fromHDF5(sa), await GMMStats.fromHDF5(sb)];
    expectClose(ta.n, tb.n, 1e-6);
    const [scoreA, scoreB] = [await ok(['score', '--model', model, '--data', data, '--weights', weightsFile]), await ok(['score', '--model', model, '--data', repeatedFile])];
    expectClose(scoreA.files[0].score, scoreB.files[0].score, 1e-9);
    expectClose(scoreA.files[0].bic, scoreB.files[0].bic, 1e-9);
    const [ka, kb] = [path.join(dir, 'ka.h5'), path.join(dir, 'kb.h5')];
    const km = new KMeansMachine(4, { initMethod: (await GMMMachine.fromHDF5(model)).means });
    km.centroids = (await GMMMachine.fromHDF5(model)).means;
    const kmFile = path.join(dir, 'km-start.h5');
    await km.save(kmFile);
    await ok(['train', '--data', data, '--weights', weightsFile, '--init', kmFile, '--steps', '1', '--out', ka]);
    await ok(['train', '--data', repeatedFile, '--init', kmFile, '--steps', '1', '--out', kb]);
    expectClose((await GMMMachine.fromHDF5(ka)).weights, (await GMMMachine.fromHDF5(kb)).weights, 1e-6);
  });

  test('errors: a count of files other than the data files, a negative weight, another length', async () => {
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, counts.map((c, i) => (i === 5 ? -1 : c)).join('\n') + '\n');
    const short = path.join(dir, 'short.csv');
    writeFileSync(short, '1\n2\n');
    const out = path.join(dir, 'never.h5');
    const lines = async (args: string[]) => (await tfjsEm(args)).errLines;
    expect(await lines(['train', '--data', data, '--weights', weightsFile, bad, '--gaussians', '2', '--out', out])).toEqual(['tfjs-em: --weights: gives 2 file(s) for 1 data file(s): one per data file']);
    expect(await lines(['train', '--data', data, '--weights', bad, '--gaussians', '2', '--out', out])).toEqual([`tfjs-em: ${bad}: the weights of ${data} must be finite and >= 0; weight 5 is -1`]);
    expect(await lines(['score', '--model', model, '--data', data, '--weights', short])).toEqual([`tfjs-em: ${short}: the weights of ${data} has 2 values; the data have 600 samples`]);
    expect(existsSync(out)).toBe(false);
  });
});
