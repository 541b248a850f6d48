/**
 * train on starts and data with Gaussians narrower than float32 resolves, as a user meets them:
 * a bob-written start with a dead Gaussian, k-means then train --init with a lone outlier, a
 * constant feature (trains, with a warning that says what the floor does), and an outlier float32
 * cannot square (an error naming its row).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { EPSILON } from '../../src/math/constants.js';
import { eStep64, mlStep64, rows } from '../helpers/float64Gmm.js';
import { expectClose } from '../helpers/expectClose.js';
import { buildOnce, tfjsEm } from './cli.js';
import { blobs, h5pyRead, tempDir, writeBobGMM, writeNpy, type Data } from './fixtures.js';

const dir = tempDir();
const base = blobs([[1, 1, 1], [4, 2, 1]], 150, 5);
const withRows = (x: Data, extra: number[][]): Data => ({ data: Float64Array.of(...x.data, ...extra.flat()), shape: [x.shape[0] + extra.length, x.shape[1]] });

beforeAll(buildOnce, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("train --init from bob's start with a dead Gaussian (weight ~1e-19, variance 2.2e-16) trains 10 steps as bob's float64 EM", async () => {
  const data = rows(base.data, 3);
  const far = mlStep64(eStep64(data, { weights: [0.4, 0.4, 0.2], means: [[1, 1, 1], [4, 2, 1], [1e3, 1e3, 1e3]], variances: [[1, 1, 1], [1, 1, 1], [1, 1, 1]] }), EPSILON, EPSILON);
  const start = mlStep64(eStep64(data, far), EPSILON, EPSILON);
  expect(start.weights[2]).toBeLessThan(1e-17);
  const init = writeBobGMM(path.join(dir, 'dead.h5'), start);
  const out = path.join(dir, 'dead-trained.h5');
  const run = await tfjsEm(['train', '--data', writeNpy(path.join(dir, 'base.npy'), base), '--init', init, '--steps', '10', '--threshold', '0', '--update', 'means,variances,weights', '--out', out, '-q']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  let want = start;
  for (let s = 0; s < 10; s++) want = mlStep64(eStep64(data, want), EPSILON, EPSILON);
  const got = h5pyRead(out).datasets;
  expectClose((got.weights.value as number[]).slice(0, 2), want.weights.slice(0, 2), 1e-4);
  expectClose((got['gaussians/means'].value as number[][]).slice(0, 2).flat(), want.means.slice(0, 2).flat(), 1e-4);
  expectClose((got['gaussians/variances'].value as number[][]).slice(0, 2).flat(), want.variances.slice(0, 2).flat(), 1e-4);
});

test('kmeans then train --init on 300 rows and one outlier at (40, 40, 40) trains; the outlier keeps its Gaussian', async () => {
  const x = writeNpy(path.join(dir, 'outlier.npy'), withRows(base, [[40, 40, 40]]));
  const km = path.join(dir, 'km.h5');
  expect((await tfjsEm(['kmeans', '--data', x, '--clusters', '3', '--out', km, '-q'])).code).toBe(0);
  const out = path.join(dir, 'outlier-trained.h5');
  const run = await tfjsEm(['train', '--data', x, '--init', km, '--steps', '10', '--out', out, '--format', 'json']);
  expect(run.code).toBe(0);
  const { weights } = h5pyRead(out).datasets;
  expect((weights.value as number[]).some((w) => Math.abs(w - 1 / 301) < 1e-9)).toBe(true);
  // The lone sample's Gaussian sits on the floor 2.2e-16, 1e10 times below the data's spread: a warning says so.
  expect(run.stderr).toMatch(/tfjs-em: warning: .*variance on the floor.*2\.22e-16.*Raise --variance-floor/);
});

test('a constant feature trains, with a warning naming the feature and what the floor does to a sample 0.001 off', async () => {
  const x = { data: base.data.map((v, i) => (i % 3 === 2 ? 7 : v)), shape: base.shape };
  const out = path.join(dir, 'constant.h5');
  const run = await tfjsEm(['train', '--data', writeNpy(path.join(dir, 'constant.npy'), x), '--gaussians', '2', '--steps', '5', '--out', out, '-q']);
  expect(run.code).toBe(0);
  expect(run.errLines).toEqual([expect.stringMatching(/^tfjs-em: warning: .*feature\(s\) 2 .*data's variance there 0\).*0\.001 away from that value scores 2250000000 lower.*Raise --variance-floor/)]);
});

test('an outlier at 1e30: the error names its row, and asks for no floor', async () => {
  const x = writeNpy(path.join(dir, 'far.npy'), withRows(base, [[1e30, 1e30, 1e30]]));
  const run = await tfjsEm(['train', '--data', x, '--gaussians', '3', '--out', path.join(dir, 'far.h5')]);
  expect(run.code).toBe(1);
  expect(run.errLines.at(-1)).toMatch(/far\.npy: row 300, column 0 holds 1e\+30.*remove or rescale that row$/);
  expect(run.stderr).not.toMatch(/variance-floor/);
});
