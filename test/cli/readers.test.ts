/** The data readers of the command line: .npy, .csv/.txt and HDF5 datasets (in-process). */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseNpy } from '../../src/io/data/npy.js';
import { parseText } from '../../src/io/data/csv.js';
import { expandInputs, parseDataSpec, readData } from '../../src/io/data/read.js';
import { npyBytes, tempDir, writeH5 } from './fixtures.js';

const x = { data: Float64Array.from([1.5, -2, 3, 4.25, 5, 6e-7]), shape: [3, 2] as [number, number] };

describe('.npy', () => {
  it.each([
    ['1.0 float64', '<f8', 1],
    ['2.0 float32', '<f4', 2],
  ] as const)('reads format %s', (_, dtype, version) => {
    const read = parseNpy(npyBytes(x, dtype, { version }), 'x.npy');
    expect(read.shape).toEqual([3, 2]);
    expect(read.data).toBeInstanceOf(dtype === '<f4' ? Float32Array : Float64Array);
    expect(Array.from(read.data)).toEqual(Array.from(dtype === '<f4' ? Float32Array.from(x.data) : x.data));
  });

  it('reads a 1-D array as samples of one feature', () => {
    const bytes = Buffer.from(npyBytes(x).toString('latin1').replace("'shape': (3, 2)", "'shape': (6,)  "), 'latin1');
    expect(parseNpy(bytes, 'x.npy').shape).toEqual([6, 1]);
  });

  it('refuses Fortran order, big-endian and integer data, and truncated files, naming the file', () => {
    expect(() => parseNpy(npyBytes(x, '<f8', { fortran: true }), 'f.npy')).toThrow(/^f\.npy: Fortran-ordered/);
    const bigEndian = Buffer.from(npyBytes(x).toString('latin1').replace('<f8', '>f8'), 'latin1');
    expect(() => parseNpy(bigEndian, 'b.npy')).toThrow(/b\.npy: dtype >f8 is not supported.*big-endian/);
    const ints = Buffer.from(npyBytes(x).toString('latin1').replace('<f8', '<i8'), 'latin1');
    expect(() => parseNpy(ints, 'i.npy')).toThrow(/dtype <i8 is not supported/);
    expect(() => parseNpy(npyBytes(x).subarray(0, 100), 't.npy')).toThrow(/t\.npy: truncated/);
    expect(() => parseNpy(Buffer.from('hello world'), 'h.npy')).toThrow(/not a \.npy file/);
  });
});

describe('.csv / .txt', () => {
  it('reads commas, whitespace, a header line and comments', () => {
    const csv = parseText('# made by hand\na,b\n1.5, -2\n\n3,4.25\n5,6e-7\n', 'x.csv');
    const txt = parseText('1.5 -2\n3\t4.25\n  5   6e-7  \n', 'x.txt');
    for (const read of [csv, txt]) {
      expect(read.shape).toEqual([3, 2]);
      expect(Array.from(read.data)).toEqual(Array.from(x.data));
    }
  });

  it('keeps nan and inf for the library to report, and names the line of a bad value', () => {
    expect(Array.from(parseText('1,nan\n-inf,2\n', 'x.csv').data)).toEqual([1, NaN, -Infinity, 2]);
    expect(() => parseText('1,2\n3,4,5\n', 'r.csv')).toThrow('r.csv: line 2 has 3 values, line 1 has 2');
    expect(() => parseText('1,2\n3,x\n', 'v.csv')).toThrow('v.csv: line 2: "x" is not a number');
    expect(() => parseText('# nothing\n', 'e.csv')).toThrow('e.csv: holds no samples');
  });
});

describe('HDF5 datasets and inputs', () => {
  const dir = tempDir();
  const file = writeH5(path.join(dir, 'feats.h5'), 'group/x', x);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads file.h5:/dataset, and a file holding a single dataset', async () => {
    for (const spec of [`${file}:/group/x`, file]) {
      const read = await readData(parseDataSpec(spec));
      expect(read.shape).toEqual([3, 2]);
      expect(Array.from(read.data)).toEqual(Array.from(x.data));
    }
  });

  it('names the file and lists its datasets when the path is wrong', async () => {
    await expect(readData(parseDataSpec(`${file}:/nope`))).rejects.toThrow(`${file}: no dataset /nope (datasets: /group/x)`);
    await expect(readData(parseDataSpec(`${file}:/group`))).rejects.toThrow(`${file}: not a dataset: /group`);
  });

  it('expands a folder into its data files in name order, and refuses unknown formats', () => {
    const folder = path.join(dir, 'utterances');
    mkdirSync(folder);
    for (const name of ['b.npy', 'a.csv', 'notes.md', 'c.h5']) writeFileSync(path.join(folder, name), '');
    expect(expandInputs([folder]).map((s) => path.basename(s.file))).toEqual(['a.csv', 'b.npy', 'c.h5']);
    expect(() => parseDataSpec(path.join(folder, 'notes.md'))).toThrow(/notes\.md: unknown data format/);
    expect(() => parseDataSpec(path.join(dir, 'missing'))).toThrow(/missing: no such file or folder/);
  });
});
