/**
 * One data set in several files: train and stats read it file by file; stats per shard plus
 * estimate make one EM step with no scheduler. The local multi-file results are the reference
 * of the distributed runs (test/distributed).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { LocalShards } from '../../src/machines/shards.js';
import { expectClose } from '../helpers/expectClose.js';
import { buildOnce, tfjsEm } from './cli.js';
import { PYTHON, blobs, tempDir, writeNpy, type Data } from './fixtures.js';

const dir = tempDir();
const centres = [[0, 0, 0], [6, 6, 6], [-6, 6, 0], [3, -5, 2]];
const parts: Data[] = [blobs(centres, 150, 1), blobs(centres, 90, 2), blobs(centres, 120, 3)];
const folder = path.join(dir, 'shards');
mkdirSync(folder);
const files = parts.map((p, i) => writeNpy(path.join(folder, `part-${i}.npy`), p));
const whole: Data = { data: Float64Array.from(parts.flatMap((p) => Array.from(p.data))), shape: [parts.reduce((n, p) => n + p.shape[0], 0), 3] };
const wholeFile = writeNpy(path.join(dir, 'whole.npy'), whole);

beforeAll(buildOnce, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ok(args: string[]): Promise<unknown> {
  const run = await tfjsEm([...args, '--format', 'json', '--quiet']);
  if (run.code !== 0) throw new Error(`tfjs-em ${args.join(' ')}: exit ${run.code}\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

function parameters(m: GMMMachine): number[] {
  return [...m.weights, ...m.means, ...m.variances];
}

test('train on a folder is train on its files in name order; it matches an in-process fit on the same shards', async () => {
  const fromFolder = path.join(dir, 'folder.h5');
  const fromFiles = path.join(dir, 'files.h5');
  await ok(['train', '--data', folder, '--gaussians', '4', '--steps', '8', '--out', fromFolder]);
  const summary = await ok(['train', '--data', ...files, '--gaussians', '4', '--steps', '8', '--out', fromFiles]);
  expect(summary).toMatchObject({ frames: whole.shape[0], gaussians: 4, features: 3 });
  const a = await GMMMachine.fromHDF5(fromFolder);
  const b = await GMMMachine.fromHDF5(fromFiles);
  expect(parameters(a)).toEqual(parameters(b)); // same files, same order: identical
  const inProcess = new GMMMachine(4, { maxFittingSteps: 8, updateVariances: true, updateWeights: true });
  await inProcess.fitShards(await LocalShards.of(parts));
  expectClose(parameters(b), parameters(inProcess), 1e-12);
});

test('stats over several files is the float64 sum of each file\'s stats, and the stats of the concatenated data', async () => {
  const model = path.join(dir, 'model.h5');
  await ok(['train', '--data', wholeFile, '--gaussians', '4', '--steps', '3', '--out', model]);
  const all = path.join(dir, 'all-stats.h5');
  await ok(['stats', '--model', model, '--data', ...files, '--out', all]);
  const each: GMMStats[] = [];
  for (const [i, file] of files.entries()) {
    const out = path.join(dir, `stats-${i}.h5`);
    await ok(['stats', '--model', model, '--data', file, '--out', out]);
    each.push(await GMMStats.fromHDF5(out));
  }
  const got = await GMMStats.fromHDF5(all);
  const sum = each.reduce((s, x) => s.add(x));
  expect(got.t).toBe(whole.shape[0]);
  expectClose([got.logLikelihood, ...got.n, ...got.sumPx, ...got.sumPxx], [sum.logLikelihood, ...sum.n, ...sum.sumPx, ...sum.sumPxx], 1e-12);
  // The concatenated file chunks differently: equal to float32 rounding of the device sums.
  const concatenated = path.join(dir, 'whole-stats.h5');
  await ok(['stats', '--model', model, '--data', wholeFile, '--out', concatenated]);
  const ref = await GMMStats.fromHDF5(concatenated);
  expectClose([got.logLikelihood, ...got.n, ...got.sumPx, ...got.sumPxx], [ref.logLikelihood, ...ref.n, ...ref.sumPx, ...ref.sumPxx], 1e-5, 1e-6);
});

test('estimate over per-shard stats is one ML step of train on all the files', async () => {
  const prev = path.join(dir, 'prev.h5');
  await ok(['train', '--data', folder, '--gaussians', '4', '--steps', '2', '--out', prev]);
  const stats = [];
  for (const [i, file] of files.entries()) {
    const out = path.join(dir, `ml-stats-${i}.h5`);
    await ok(['stats', '--model', prev, '--data', file, '--out', out]);
    stats.push(out);
  }
  const next = path.join(dir, 'next.h5');
  const summary = await ok(['estimate', '--model', prev, '--stats', ...stats, '--out', next]);
  expect(summary).toMatchObject({ shards: 3, frames: whole.shape[0] });
  const oneStep = path.join(dir, 'one-step.h5');
  await ok(['train', '--data', ...files, '--init', prev, '--steps', '1', '--out', oneStep]);
  expectClose(parameters(await GMMMachine.fromHDF5(next)), parameters(await GMMMachine.fromHDF5(oneStep)), 1e-12);
});

test('estimate --ubm over per-shard stats is one MAP step on all the shards', async () => {
  const ubm = path.join(dir, 'ubm.h5');
  await ok(['train', '--data', folder, '--gaussians', '4', '--steps', '5', '--out', ubm]);
  const stats = [];
  for (const [i, file] of files.slice(0, 2).entries()) {
    const out = path.join(dir, `map-stats-${i}.h5`);
    await ok(['stats', '--model', ubm, '--data', file, '--out', out]);
    stats.push(out);
  }
  const next = path.join(dir, 'map-next.h5');
  await ok(['estimate', '--model', ubm, '--ubm', ubm, '--stats', ...stats, '--out', next, '--relevance', '2']);
  const prior = await GMMMachine.fromHDF5(ubm);
  const ref = new GMMMachine(4, { trainer: 'map', ubm: prior, maxFittingSteps: 1, mapRelevanceFactor: 2 });
  await ref.fitShards(await LocalShards.of(parts.slice(0, 2)));
  expectClose(parameters(await GMMMachine.fromHDF5(next, prior)), parameters(ref), 1e-12);
});

test('estimate names a statistics file that does not fit the model', async () => {
  const model = path.join(dir, 'model.h5');
  const other = path.join(dir, 'k2.h5');
  await ok(['train', '--data', wholeFile, '--gaussians', '2', '--steps', '1', '--out', other]);
  const wrong = path.join(dir, 'k2-stats.h5');
  await ok(['stats', '--model', other, '--data', files[0], '--out', wrong]);
  const out = path.join(dir, 'never.h5');
  const run = await tfjsEm(['estimate', '--model', model, '--stats', wrong, '--out', out]);
  expect(run.code).toBe(1);
  expect(run.errLines).toEqual([`tfjs-em: ${wrong}: holds statistics of shape [2,3]; ${model} has [4,3]`]);
});

describe('statistics files that cannot be summed into one m-step', () => {
  let model: string;
  let stats: string;

  beforeAll(async () => {
    model = path.join(dir, 'checked-model.h5');
    await ok(['train', '--data', folder, '--gaussians', '4', '--steps', '2', '--threshold', '0', '--out', model]);
    stats = path.join(dir, 'checked-stats.h5');
    await ok(['stats', '--model', model, '--data', files[0], '--out', stats]);
  });

  test("statistics record their model's hash; those of another model (same shape) are refused", async () => {
    expect((await GMMStats.fromHDF5(stats)).model).toBe((await GMMMachine.fromHDF5(model)).parameterHash());
    const other = path.join(dir, 'other-model.h5');
    await ok(['train', '--data', folder, '--gaussians', '4', '--steps', '3', '--threshold', '0', '--out', other]);
    const run = await tfjsEm(['estimate', '--model', other, '--stats', stats, '--out', path.join(dir, 'never.h5')]);
    expect(run.code).toBe(1);
    expect(run.errLines).toEqual([expect.stringMatching(new RegExp(`^tfjs-em: ${stats}: holds statistics of another model than ${other} \\(model [0-9a-f]{16}, not [0-9a-f]{16}\\): run tfjs-em stats with`))]);
  });

  test('the same statistics twice: summed, with a warning', async () => {
    const again = path.join(dir, 'checked-stats-copy.h5');
    (await GMMStats.fromHDF5(stats)).save(again);
    const run = await tfjsEm(['estimate', '--model', model, '--stats', stats, again, '--out', path.join(dir, 'twice.h5'), '-q']);
    expect(run.code).toBe(0);
    expect(run.errLines).toEqual([`tfjs-em: warning: ${again} holds the same statistics as ${stats}: both are summed (the same shard twice?)`]);
  });

  /** A copy of the statistics with fields changed, as bob's layout allows (written by h5py). */
  function tampered(name: string, python: string): string {
    const file = path.join(dir, `${name}.h5`);
    execFileSync(PYTHON, ['-c', `import h5py, shutil, numpy\nshutil.copy('${stats}', '${file}')\nwith h5py.File('${file}', 'r+') as f:\n    ${python}`]);
    return file;
  }

  test.each([
    ['T off the sum of n', "f['T'][()] = f['T'][()] + 20", /the responsibilities n sum to [\d.]+, not to T = \d+/],
    ['a negative responsibility', "n = f['n'][()]; n[0] = -n[0]; n[1] += 2 * -n[0]; f['n'][...] = n", /n\[0\] is -[\d.e+-]+, a negative responsibility/],
    ['a negative second moment', "s = f['sumPxx'][()]; s[1, 2] = -1.0; f['sumPxx'][...] = s", /sumPxx\[1\]\[2\] is -1, below what sumPx and n allow \([\d.]+\)/],
  ])('%s: estimate refuses the file', async (name, python, message) => {
    const bad = tampered(name.replace(/ /g, '-'), python);
    const run = await tfjsEm(['estimate', '--model', model, '--stats', bad, '--out', path.join(dir, 'never.h5')]);
    expect(run.code).toBe(1);
    expect(run.errLines).toEqual([expect.stringMatching(new RegExp(`^tfjs-em: ${bad}: ${message.source}: not the statistics of samples under one model$`))]);
  });
});
