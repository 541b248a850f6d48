/**
 * Hostile inputs, in-process: files that declare more than they hold, hard-link cycles, strict
 * .npy headers, CSV typos taken for headers, saving onto links and FIFOs, layout versions from
 * the future, and aborting k-means within one pass over the data.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseNpy } from '../../src/io/data/npy.js';
import { parseText } from '../../src/io/data/csv.js';
import { parseDataSpec, readData } from '../../src/io/data/read.js';
import { readHdf5Dataset } from '../../src/io/data/hdf5.js';
import { KMeansMachine } from '../../src/machines/KMeansMachine.js';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import type { RowSource } from '../../src/data/matrix.js';
import { npyBytes } from '../cli/fixtures.js';
import { blobs, expectEmError, scratchDir } from './helpers.js';

const dir = scratchDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function h5py(script: string, ...args: string[]): void {
  execFileSync('/usr/bin/python3', ['-c', `import h5py, numpy, sys\n${script}`, ...args]);
}

const x = { data: Float64Array.from([1.5, -2, 3, 4.25, 5, 6e-7]), shape: [3, 2] as [number, number] };
/** A version 1.0 .npy of x's bytes under the given header dict (padded as numpy pads it). */
function npyHeader(dict: string): Buffer {
  const padded = dict + ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  prefix.writeUInt16LE(padded.length, 8);
  return Buffer.concat([prefix, Buffer.from(padded, 'latin1'), Buffer.from(x.data.buffer)]);
}

describe('HDF5 data that declares more than memory, or loops', () => {
  it('refuses a 1.4 KB file declaring 1e9 x 60 float64 values, naming the size needed', async () => {
    const file = path.join(dir, 'declared.h5');
    h5py("with h5py.File(sys.argv[1], 'w') as f: f.create_dataset('x', shape=(10**9, 60), dtype='f8')", file);
    expect(readFileSync(file).length).toBeLessThan(4096);
    await expectEmError(() => readData(parseDataSpec(`${file}:/x`)), 'FILE_FORMAT', file, 'dataset /x declares 1000000000 x 60 values', 'need 480 GB, more than the');
  });

  it('reads in pieces exactly what h5py wrote: float64, float32 and int64, 1-D and 2-D (exact)', async () => {
    const file = path.join(dir, 'pieces.h5');
    h5py(
      `x = numpy.arange(1000 * 7, dtype='f8').reshape(1000, 7) / 3 - 500
with h5py.File(sys.argv[1], 'w') as f:
    f['f8'] = x; f['f4'] = x.astype('f4'); f['i8'] = numpy.arange(-3500, 3500).reshape(1000, 7); f['v'] = x[:, 0]; f.create_dataset('c', data=x, chunks=(64, 7))`,
      file,
    );
    const expected = Float64Array.from({ length: 7000 }, (_, i) => i / 3 - 500);
    for (const [name, chunkBytes] of [['/f8', 1000], ['/c', 560], ['/f4', 333], ['/i8', 80], ['/v', 100]] as const) {
      const read = await readHdf5Dataset(file, name, chunkBytes);
      const want = name === '/v' ? expected.filter((_, i) => i % 7 === 0) : expected;
      expect(read.shape).toEqual(name === '/v' ? [1000, 1] : [1000, 7]);
      const values = name === '/f4' ? Float32Array.from(want) : name === '/i8' ? want.map((_, i) => i - 3500) : want;
      expect(Array.from(read.data)).toEqual(Array.from(values));
    }
  });

  it('reads a named dataset and lists the datasets of a file whose groups link to themselves', async () => {
    const file = path.join(dir, 'cycle.h5');
    h5py(
      `with h5py.File(sys.argv[1], 'w') as f:
    g = f.create_group('a'); g['x'] = numpy.arange(6.).reshape(3, 2); g['loop'] = g; f['b'] = g; g['up'] = f['/']`,
      file,
    );
    expect(Array.from((await readData(parseDataSpec(`${file}:/a/loop/loop/x`))).data)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from((await readData(parseDataSpec(file))).data)).toEqual([0, 1, 2, 3, 4, 5]);
    await expectEmError(() => readData(parseDataSpec(`${file}:/nope`)), 'FILE_FORMAT', `${file}: no dataset /nope (datasets: /a/x)`);
  });
});

describe('.npy headers, as strictly as numpy reads them', () => {
  it.each([
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (-3, 2), }", 'negative dimension -3'],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'extra': 1, }", 'keys are descr, extra, fortran_order, shape'],
    ["{'descr': '<f8', 'shape': (3, 2), }", 'keys are descr, shape'],
    ["{'descr': '<f8', 'fortran_order': 0, 'shape': (3, 2), }", 'fortran_order must be True or False'],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (6), }", 'shape (6) is not a tuple'],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2.0), }", 'unexpected "."'],
    ["{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", "'descr' is given twice"],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), } x", 'unexpected "x"'],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 2), }", 'larger than any file'],
  ])('refuses %s', (dict, problem) => {
    expect(() => parseNpy(npyHeader(dict), 'h.npy')).toThrow(problem);
  });

  it('reads -0 as the dimension 0, as numpy does (found by the fuzz suite, seed 25)', () => {
    const read = parseNpy(npyHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (-0, 3), }"), 'z.npy');
    expect(Object.is(read.shape[0], 0)).toBe(true);
    expect(read.shape).toEqual([0, 3]);
  });

  it('refuses unknown versions and headers over 10000 bytes; reads 3.0 (UTF-8) as 1.0', () => {
    const v11 = npyBytes(x);
    v11[7] = 1;
    expect(() => parseNpy(v11, 'v.npy')).toThrow('v.npy: unsupported .npy format version 1.1');
    const long = npyBytes(x, '<f8', { version: 2 });
    long.writeUInt32LE(20000, 8);
    expect(() => parseNpy(long, 'l.npy')).toThrow('the header is 20000 bytes; numpy reads at most 10000');
    const v3 = npyBytes(x, '<f8', { version: 2 });
    v3[6] = 3;
    expect(Array.from(parseNpy(v3, 'v3.npy').data)).toEqual(Array.from(x.data));
  });

  it('reads a file through its header only, and refuses a shape the file does not hold', async () => {
    const file = path.join(dir, 'x.npy');
    writeFileSync(file, npyBytes(x, '<f4'));
    expect(Array.from((await readData(parseDataSpec(file))).data)).toEqual(Array.from(Float32Array.from(x.data)));
    writeFileSync(file, npyHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 60), }"));
    await expectEmError(() => readData(parseDataSpec(file)), 'FILE_FORMAT', 'truncated: shape (1000000000, 60) needs 480000000000 bytes');
  });
});

describe('text', () => {
  it('takes only a line without any number for a header; a typo in the first row is an error', () => {
    expect(() => parseText('1.0,abc,3.0\n4,5,6\n', 't.csv')).toThrow('t.csv: line 1: "abc" is not a number');
    expect(Array.from(parseText('f1,f2,f3\n4,5,6\n', 'h.csv').data)).toEqual([4, 5, 6]);
  });

  it('reads CR-only line ends, and quotes control characters of a bad field escaped', () => {
    expect(parseText('1 2\r3 4\r5 6\r', 'cr.txt')).toEqual({ data: Float64Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2] });
    expect(() => parseText('1,2\n3,\u001b[31m\n', 'e.csv')).toThrow('e.csv: line 2: "\\u001b[31m" is not a number');
  });
});

function model(): GMMMachine {
  const m = new GMMMachine(1);
  m.means = [[0, 0]];
  m.variances = [[1, 1]];
  return m;
}

describe('saving onto what is not a regular file', () => {
  it('refuses a symbolic link and a FIFO, leaving both as they were', async () => {
    const target = path.join(dir, 'target.h5');
    writeFileSync(target, 'keep');
    const link = path.join(dir, 'link.h5');
    symlinkSync(target, link);
    await expectEmError(() => model().save(link), 'INVALID_ARGUMENT', `cannot write ${link}: it is a symbolic link`);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe('keep');
    const fifo = path.join(dir, 'fifo.h5');
    execFileSync('mkfifo', [fifo]);
    await expectEmError(() => model().save(fifo), 'INVALID_ARGUMENT', `cannot write ${fifo}: it is not a regular file`);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });
});

describe('layout versions', () => {
  it('refuses a model whose file_version is newer than 1.x', async () => {
    const file = path.join(dir, 'future.h5');
    await model().save(file);
    h5py("with h5py.File(sys.argv[1], 'a') as f: f.attrs['file_version'] = '2.0'", file);
    await expectEmError(() => GMMMachine.fromHDF5(file), 'FILE_FORMAT', 'file_version 2.0 is a layout this version does not know');
  });
});

describe('aborting k-means', () => {
  /** 20000 samples read 100 rows at a time: 200 chunks per pass. Counts the chunks read. */
  function countedSource(): { source: RowSource; reads: () => number } {
    const data = blobs([[0, 0], [6, 6]], 10000, 1, 3);
    let reads = 0;
    const source: RowSource = {
      nSamples: data.shape[0],
      nFeatures: 2,
      read(start, end) {
        if (end - start > 1) reads++;
        return data.data.subarray(start * 2, end * 2);
      },
    };
    return { source, reads: () => reads };
  }

  it('stops within a few chunks of one pass when the signal is aborted from a timer', async () => {
    const { source, reads } = countedSource();
    // After this pause the first chunk yields to the event loop (at most one turn every 50 ms).
    await new Promise((resolve) => setTimeout(resolve, 60));
    const controller = new AbortController();
    setImmediate(() => controller.abort());
    const kmeans = new KMeansMachine(2, { initMethod: 'random', chunkSize: 100, maxIter: 50 });
    await expect(kmeans.fit(source, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(reads()).toBeLessThanOrEqual(3);
    expect(kmeans.isInitialized).toBe(false);
  });

  it('runs to the end, many passes of 200 chunks, without a signal (the count above is not the fit\'s size)', async () => {
    const { source, reads } = countedSource();
    const kmeans = new KMeansMachine(2, { initMethod: 'random', chunkSize: 100, maxIter: 3, convergenceThreshold: 0 });
    await kmeans.fit(source);
    expect(reads()).toBe(3 * 200);
  });

  it('stops the k-means start of a GMM fit as well, leaving the machine without parameters', async () => {
    const { source, reads } = countedSource();
    await new Promise((resolve) => setTimeout(resolve, 60));
    const controller = new AbortController();
    setImmediate(() => controller.abort());
    const gmm = new GMMMachine(2, { chunkSize: 100, kMeansTrainer: new KMeansMachine(2, { initMethod: 'random', chunkSize: 100 }) });
    await expect(gmm.fit(source, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(reads()).toBeLessThanOrEqual(3);
    expect(gmm.isInitialized).toBe(false);
    gmm.dispose();
  });
});
