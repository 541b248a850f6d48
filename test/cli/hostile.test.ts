/**
 * The command line against hostile input: every failure is one `tfjs-em: <subject>: <problem>`
 * line with exit status 1 (130 for Ctrl-C), nothing is written, and nothing that is not a
 * regular file is ever replaced.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildOnce, tfjsEm, type Run } from './cli.js';
import { blobs, h5pyRead, tempDir, writeNpy } from './fixtures.js';

const dir = tempDir();
const x = writeNpy(path.join(dir, 'x.npy'), blobs([[0, 0], [4, 4]], 30, 1));
const out = path.join(dir, 'out.h5');

beforeAll(buildOnce, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectFailure(run: Run, line: string | RegExp, code = 1): void {
  expect({ code: run.code, lines: run.errLines.length, stdout: run.stdout }).toEqual({ code, lines: 1, stdout: '' });
  if (typeof line === 'string') expect(run.errLines[0]).toBe(line);
  else expect(run.errLines[0]).toMatch(line);
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(dir).filter((name) => name.endsWith('.tmp') || name.endsWith('.probe'))).toEqual([]);
}

function h5py(script: string, file: string): string {
  execFileSync('/usr/bin/python3', ['-c', `import h5py, numpy, sys\n${script}`, file]);
  return file;
}

const kmeans = (data: string, k: string, target = out, ...rest: string[]) => tfjsEm(['kmeans', '--data', data, '--clusters', k, '--out', target, '-q', ...rest]);

describe('--out', () => {
  it('refuses a FIFO, a symbolic link and a device, leaving each as it was', async () => {
    const fifo = path.join(dir, 'fifo.h5');
    execFileSync('mkfifo', [fifo]);
    expectFailure(await kmeans(x, '2', fifo), `tfjs-em: ${fifo}: is not a regular file (a device, FIFO or socket); --out replaces a regular file only`);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    const target = path.join(dir, 'kept.h5');
    writeFileSync(target, 'kept');
    const link = path.join(dir, 'link.h5');
    symlinkSync(target, link);
    expectFailure(await kmeans(x, '2', link), `tfjs-em: ${link}: is a symbolic link; --out replaces a regular file only (give the path it points to)`);
    expect([readlinkSync(link), readFileSync(target, 'utf8')]).toEqual([target, 'kept']);
    // Refused before anything is opened: the device is only looked at.
    expectFailure(await kmeans(x, '2', '/dev/null'), 'tfjs-em: /dev/null: is not a regular file (a device, FIFO or socket); --out replaces a regular file only');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('refuses an input as the output, and a folder it cannot create files in, before any work', async () => {
    const before = readFileSync(x);
    expectFailure(await kmeans(x, '2', x), `tfjs-em: ${x}: is also the input ${x}; write the result to another file`);
    expect(readFileSync(x).equals(before)).toBe(true);
    expectFailure(await kmeans(x, '2', '/proc/km.h5'), /^tfjs-em: \/proc\/km\.h5: cannot write in \/proc \(E[A-Z]+\)$/);
  });
});

describe('sizes declared, not held', () => {
  it('refuses an HDF5 file of 1.4 KB declaring 2e9 x 60 values (no V8 heap abort)', async () => {
    const file = h5py("with h5py.File(sys.argv[1], 'w') as f: f.create_dataset('x', shape=(2 * 10**9, 60), dtype='f8')", path.join(dir, 'declared.h5'));
    expectFailure(await kmeans(`${file}:/x`, '2'), new RegExp(`^tfjs-em: ${file}: dataset /x declares 2000000000 x 60 values, which need 960 GB, more than the `));
  });

  it('refuses an HDF5 file over 2 GiB and a text file over the longest string, naming the file once', async () => {
    const big = path.join(dir, 'big.h5');
    writeFileSync(big, '');
    truncateSync(big, 3 * 2 ** 30); // sparse: no disk space used
    expectFailure(await kmeans(`${big}:/x`, '2'), `tfjs-em: ${big}: cannot read: it is 3221225472 bytes; HDF5 files are read whole, up to 2 GiB (save large sample sets as .npy)`);
    const text = path.join(dir, 'big.csv');
    writeFileSync(text, '');
    truncateSync(text, 600 * 2 ** 20);
    expectFailure(await kmeans(text, '2'), new RegExp(`^tfjs-em: ${text}: 629 MB is too large to read as text \\(at most \\d+ MB\\); save the samples as \\.npy$`));
    rmSync(big);
    rmSync(text);
  });

  it('checks --gaussians and --clusters against the samples before building a machine', async () => {
    expectFailure(await tfjsEm(['train', '--data', x, '--gaussians', '1e9', '--out', out, '-q']), `tfjs-em: --gaussians: 1000000000 is more than the 60 samples of ${x}`);
    expectFailure(await kmeans(x, '1000000000'), `tfjs-em: --clusters: 1000000000 is more than the 60 samples of ${x}`);
  });
});

describe('files that loop or mislead', () => {
  it('reads a named dataset of a file whose group links to itself', async () => {
    const file = h5py(
      "with h5py.File(sys.argv[1], 'w') as f:\n    g = f.create_group('a'); g['loop'] = g\n    g['x'] = numpy.array([[0., 0], [1, 1], [5, 5], [6, 6]])",
      path.join(dir, 'cycle.h5'),
    );
    const run = await tfjsEm(['kmeans', '--data', `${file}:/a/loop/x`, '--clusters', '2', '--out', out, '-q', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ frames: 4, features: 2, averageMinDistance: 0.5 });
    rmSync(out);
  });

  it('reports a typo in the first CSV row, a negative .npy shape and control bytes in names, escaped', async () => {
    const typo = path.join(dir, 'typo.csv');
    writeFileSync(typo, '1.0,abc,3.0\n1,2,3\n4,5,6\n');
    expectFailure(await kmeans(typo, '1'), `tfjs-em: ${typo}: line 1: "abc" is not a number`);
    const negative = path.join(dir, 'neg.npy');
    const dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (-2, 2), }";
    const header = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, dict.length + 1, 0]);
    writeFileSync(negative, Buffer.concat([header, Buffer.from(`${dict}\n`, 'latin1')]));
    expectFailure(await kmeans(negative, '1'), `tfjs-em: ${negative}: shape holds the negative dimension -2`);
    const escape = path.join(dir, 'bad\u001b[2Jname.csv');
    expectFailure(await kmeans(escape, '1'), `tfjs-em: ${dir}/bad\\x1b[2Jname.csv: no such file`);
  });

  it('reads a CSV with CR-only line ends', async () => {
    const cr = path.join(dir, 'cr.csv');
    writeFileSync(cr, '0,0\r1,1\r5,5\r6,6\r');
    const run = await tfjsEm(['kmeans', '--data', cr, '--clusters', '2', '--out', out, '-q', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ frames: 4, averageMinDistance: 0.5 });
    rmSync(out);
  });

  it('asks for --relevance > 0 in its own words', async () => {
    expectFailure(await tfjsEm(['adapt', '--ubm', x, '--data', x, '--relevance', '0', '--out', out]), "tfjs-em: --relevance: expected a number > 0; got '0'");
  });
});

describe('train --init from what kmeans and train wrote', () => {
  /** Two blobs and one far sample: k-means gives that sample a cluster of its own (variance 0). */
  const lone = writeNpy(path.join(dir, 'lone.npy'), (() => {
    const b = blobs([[0, 0], [4, 4]], 20, 1);
    return { data: Float64Array.from([...b.data, 50, 50]), shape: [41, 2] as [number, number] };
  })());

  it('starts from a k-means file with a one-sample cluster: the floor raises its variance 0', async () => {
    const km = path.join(dir, 'km.h5');
    expect((await kmeans(lone, '3', km)).code).toBe(0);
    const run = await tfjsEm(['train', '--data', lone, '--init', km, '--variance-floor', '1e-3', '--steps', '1', '--update', 'means', '--out', out, '-q']);
    expect(run.errLines).toEqual([]);
    const variances = h5pyRead(out).datasets['gaussians/variances'].value as number[][];
    // One step updating the means only: the lone sample's Gaussian keeps the floor as its variance (exact).
    expect(variances.flat().filter((v) => v === 1e-3)).toHaveLength(2);
    rmSync(out);
    // Under bob's default floor the lone sample's Gaussian is narrower than float32 resolves at (50, 50):
    // it trains as bob does (test/cli/narrow.test.ts), and a warning says what the floor does.
    const run2 = await tfjsEm(['train', '--data', lone, '--init', km, '--steps', '1', '--out', out, '-q']);
    expect(run2.code).toBe(0);
    expect(run2.errLines).toEqual([expect.stringMatching(/^tfjs-em: warning: .*floor 2\.22e-16.*Raise --variance-floor/)]);
    rmSync(out);
    rmSync(km);
  });

  it('starts from a model trained with --variance-floor 1e300', async () => {
    const huge = path.join(dir, 'huge-floor.h5');
    expect((await tfjsEm(['train', '--data', x, '--gaussians', '2', '--variance-floor', '1e300', '--steps', '2', '--out', huge, '-q'])).code).toBe(0);
    const run = await tfjsEm(['train', '--data', x, '--init', huge, '--steps', '1', '--out', out, '-q', '--format', 'json']);
    expect(run.errLines).toEqual([]);
    expect(JSON.parse(run.stdout)).toMatchObject({ gaussians: 2, steps: 1 });
    rmSync(out);
    rmSync(huge);
  });
});

it('stops k-means on Ctrl-C and writes nothing (exit 130)', async () => {
  const many = writeNpy(path.join(dir, 'many.npy'), blobs([[0, 0, 0], [5, 5, 5]], 20000, 2));
  let sent = false;
  const run = await tfjsEm(['kmeans', '--data', many, '--clusters', '64', '--steps', '500', '--threshold', '0', '--chunk-size', '256', '--out', out], {
    onStderr: (text, child) => {
      if (!sent && text.includes('k-means: 64 clusters')) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  expect(run.errLines.at(-1)).toBe(`tfjs-em: ${out}: interrupted; nothing was written`);
  expect(run.code).toBe(130);
  expect(existsSync(out)).toBe(false);
  rmSync(many);
});
