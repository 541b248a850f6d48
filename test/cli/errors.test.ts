/**
 * Failures as a user meets them: a non-zero exit, one line on stderr naming the file and the
 * problem, and no output left behind (also when Ctrl-C stops a training).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildOnce, tfjsEm, type Run } from './cli.js';
import { blobs, npyBytes, tempDir, writeBobGMM, writeH5, writeNpy } from './fixtures.js';

const dir = tempDir();
const ubm = writeBobGMM(path.join(dir, 'ubm.h5'), { weights: [0.5, 0.5], means: [[0, 0], [3, 3]], variances: [[1, 1], [1, 1]] });
const x2 = blobs([[0, 0], [3, 3]], 50, 1);
const out = path.join(dir, 'out.h5');

beforeAll(buildOnce, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectFailure(run: Run, line: string | RegExp): void {
  expect(run.code).not.toBe(0);
  expect(run.errLines).toHaveLength(1);
  if (typeof line === 'string') expect(run.errLines[0]).toBe(line);
  else expect(run.errLines[0]).toMatch(line);
  expect(run.stdout).toBe('');
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
}

test('a missing data file or model', async () => {
  const missing = path.join(dir, 'missing.npy');
  expectFailure(await tfjsEm(['train', '--data', missing, '--gaussians', '2', '--out', out]), `tfjs-em: ${missing}: no such file`);
  const noModel = path.join(dir, 'nomodel.h5');
  expectFailure(await tfjsEm(['stats', '--model', noModel, '--data', writeNpy(path.join(dir, 'x.npy'), x2), '--out', out]), `tfjs-em: ${noModel}: no such file`);
});

test('a wrong dataset path', async () => {
  const h5 = writeH5(path.join(dir, 'x.h5'), 'mfcc', x2);
  expectFailure(await tfjsEm(['stats', '--model', ubm, '--data', `${h5}:/plp`, '--out', out]), `tfjs-em: ${h5}: no dataset /plp (datasets: /mfcc)`);
});

test('data whose dimension differs from the model', async () => {
  const x3 = writeNpy(path.join(dir, 'x3.npy'), blobs([[0, 0, 0]], 20, 2));
  expectFailure(await tfjsEm(['score', '--model', ubm, '--data', x3]), `tfjs-em: ${x3}: 3 features per sample, but ${ubm} has 2`);
  expectFailure(await tfjsEm(['adapt', '--ubm', ubm, '--data', x3, '--out', out]), `tfjs-em: ${x3}: 3 features per sample, but ${ubm} has 2`);
});

test('NaN or Inf in the data, and unreadable files', async () => {
  const csv = path.join(dir, 'nan.csv');
  writeFileSync(csv, '1,2\n3,nan\n');
  expectFailure(await tfjsEm(['train', '--data', csv, '--gaussians', '1', '--out', out]), `tfjs-em: ${csv}: data holds NaN at row 1, column 1`);
  const fortran = path.join(dir, 'f.npy');
  writeFileSync(fortran, npyBytes(x2, '<f8', { fortran: true }));
  expectFailure(await tfjsEm(['kmeans', '--data', fortran, '--clusters', '2', '--out', out]), new RegExp(`^tfjs-em: ${fortran}: Fortran-ordered arrays are not supported`));
  expectFailure(await tfjsEm(['train', '--data', csv, '--init', csv, '--out', out]), new RegExp(`^tfjs-em: ${csv}: `));
});

test('unknown options and commands, and bad values', async () => {
  expectFailure(await tfjsEm(['train', '--data', 'x.npy', '--gausians', '2', '--out', out]), "tfjs-em: --gausians: unknown option for 'train' (see tfjs-em train --help)");
  expectFailure(await tfjsEm(['trian']), 'tfjs-em: trian: unknown command (see tfjs-em --help)');
  expectFailure(await tfjsEm(['score', '--model', ubm, '--data', 'x.npy', '--format', 'xml']), "tfjs-em: --format: expected one of table, json, csv; got 'xml'");
  expectFailure(await tfjsEm(['train', '--data', 'x.npy', '--out', out]), 'tfjs-em: train: --gaussians is required (see tfjs-em train --help)');
});

test('adapt of a folder writes nothing when one file fails', async () => {
  const folder = path.join(dir, 'speakers');
  mkdirSync(folder);
  writeNpy(path.join(folder, 'a.npy'), x2);
  writeFileSync(path.join(folder, 'b.csv'), '1,2\n3,4,5\n');
  const models = path.join(dir, 'models');
  const run = await tfjsEm(['adapt', '--ubm', ubm, '--data', folder, '--out', models, '--quiet']);
  expect(run.code).not.toBe(0);
  expect(run.errLines).toEqual([`tfjs-em: ${path.join(folder, 'b.csv')}: line 2 has 3 values, line 1 has 2`]);
  expect(existsSync(models)).toBe(false);
  expect(readdirSync(dir).filter((name) => name.startsWith('.models'))).toEqual([]);
});

test('Ctrl-C stops train after the current iteration and writes nothing', async () => {
  // Many Gaussians on one blob: EM keeps moving for hundreds of steps.
  const big = writeNpy(path.join(dir, 'big.npy'), blobs([[0, 0]], 6000, 5));
  let sent = false;
  const run = await tfjsEm(['train', '--data', big, '--gaussians', '12', '--threshold', '0', '--steps', '1000', '--out', out], {
    onStderr: (text, child) => {
      if (!sent && /EM: step 2\//.test(text)) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  expect(sent).toBe(true);
  expect(run.code).toBe(130);
  expect(run.errLines).toContain('interrupted: stopping within the current pass (Ctrl-C again to quit now)');
  expect(run.errLines[run.errLines.length - 1]).toBe(`tfjs-em: ${out}: interrupted; nothing was written`);
  expect(run.stderr).not.toMatch(/EM: step 5\//);
  expect(existsSync(out)).toBe(false);
});
