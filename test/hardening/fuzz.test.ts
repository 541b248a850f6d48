/**
 * Fuzzing the data readers (fast-check), 620 cases per run: .npy headers (numpy.load as the
 * second opinion), CSV text and HDF5 layouts. Every input either reads to the right values or
 * fails with a FILE_FORMAT TfjsEmError: never another exception, a hang or a wrong value.
 * The seed is fixed under CI=true, else FC_SEED, else drawn; it is printed for replaying:
 * FC_SEED=<seed> node scripts/test.mjs test/hardening/fuzz.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { TfjsEmError } from '../../src/errors.js';
import { parseNpy } from '../../src/io/data/npy.js';
import { parseText } from '../../src/io/data/csv.js';
import { readHdf5Dataset } from '../../src/io/data/hdf5.js';
import { writeBytes } from '../../src/io/h5file.js';
import type { H5File } from '../../src/io/h5.js';
import type { HostArray2D } from '../../src/data/matrix.js';
import { scratchDir } from './helpers.js';
import { FC_SEED, fcRun } from '../helpers/fastCheckSeed.js';


const dir = scratchDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The outcome of reading: values, or the FILE_FORMAT message. Anything else is rethrown (a failure). */
async function outcome(read: () => HostArray2D | Promise<HostArray2D>): Promise<HostArray2D | string> {
  try {
    const result = await read();
    expect(result.data.length).toBe(result.shape[0] * result.shape[1]);
    return result;
  } catch (error) {
    if (error instanceof TfjsEmError && error.code === 'FILE_FORMAT') return error.message;
    throw error;
  }
}

const finite = fc.double({ min: -1e300, max: 1e300, noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v));

// ---------------------------------------------------------------- .npy

interface NpyCase {
  version: 1 | 2 | 3;
  dtype: '<f4' | '<f8';
  shape: number[];
  fortran: boolean;
  order: string[];
  quote: string;
  space: string;
  trailingComma: boolean;
  values: number[];
}

const npyCase: fc.Arbitrary<NpyCase> = fc
  .record({ n: fc.integer({ min: 0, max: 5 }), d: fc.integer({ min: 1, max: 4 }), oneD: fc.boolean() })
  .chain(({ n, d, oneD }) =>
    fc.record({
      version: fc.constantFrom(1 as const, 2 as const, 3 as const),
      dtype: fc.constantFrom('<f4' as const, '<f8' as const),
      shape: fc.constant(oneD ? [n * d] : [n, d]),
      fortran: fc.boolean(),
      order: fc.shuffledSubarray(['descr', 'fortran_order', 'shape'], { minLength: 3, maxLength: 3 }),
      quote: fc.constantFrom("'", '"'),
      space: fc.constantFrom('', ' ', '  '),
      trailingComma: fc.boolean(),
      values: fc.array(finite, { minLength: n * d, maxLength: n * d }),
    }),
  );

function npyFile(c: NpyCase): Buffer {
  const q = c.quote;
  const s = c.space;
  const tuple = c.shape.length === 1 ? `(${c.shape[0]},)` : `(${c.shape.join(`,${s}`)})`;
  const value: Record<string, string> = { descr: `${q}${c.dtype}${q}`, fortran_order: c.fortran ? 'True' : 'False', shape: tuple };
  const dict = `{${c.order.map((k) => `${q}${k}${q}:${s}${value[k]}`).join(`,${s}`)}${c.trailingComma ? ',' : ''}${s}}`;
  const prefix = c.version === 1 ? 10 : 12;
  const header = dict + ' '.repeat(63 - ((prefix + dict.length) % 64)) + '\n';
  const head = Buffer.alloc(prefix);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, c.version, 0]).copy(head);
  if (c.version === 1) head.writeUInt16LE(header.length, 8);
  else head.writeUInt32LE(header.length, 8);
  const data = c.dtype === '<f4' ? Float32Array.from(c.values) : Float64Array.from(c.values);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]);
}

/**
 * A header respelled at one or more places, with spellings numpy accepts, refuses, or reads
 * otherwise (a shape the data does not fill, another dtype, Python 2's 3L, True as 1, ...).
 */
const mostly = <T>(usual: T, ...others: T[]) => fc.oneof({ weight: 3, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
const respelling = fc.record({
  shape: mostly('same', '(N, D)', '(N,D,)', '[N, D]', 'ND', '(ND)', '(ND,)', '(N, D, 1)', '(NL, DL)', '(True, ND)', '(-N, D)', '(N ,\n D)', '()', '(2N, D)', '(N, D//1)', '(0x1, ND)', '(+N, D)', '(N, D,,)'),
  descr: mostly('same', "'<f8'", "'<f4'", "'>f8'", "'=f8'", "'|f8'", "'float64'", "'<i8'", "'<f8 '", "u'<f8'", "b'<f8'", "'<f2'", "'<c16'"),
  fortran: mostly('same', 'False', 'True', '0', '1', 'None', 'false'),
  extra: mostly('', ", 'extra': 1", ", 'descr': '<f8'", ' # note', '\n', ' \t', ', }x'),
  length: mostly(0, 1, -1, -8),
  minor: mostly(0, 1),
});
type Respelling = typeof respelling extends fc.Arbitrary<infer T> ? T : never;

function respelled(c: NpyCase, r: Respelling): Buffer {
  const [n, d] = c.shape.length === 1 ? [c.shape[0], 1] : c.shape;
  const shape = r.shape.replace('2N', String(2 * n + 1)).replace('ND', String(n * d)).replace('N', String(n)).replace('D', String(d));
  const q = c.quote;
  const value: Record<string, string> = {
    descr: r.descr === 'same' ? `${q}${c.dtype}${q}` : r.descr,
    fortran_order: r.fortran === 'same' ? (c.fortran ? 'True' : 'False') : r.fortran,
    shape: r.shape === 'same' ? (c.shape.length === 1 ? `(${c.shape[0]},)` : `(${c.shape.join(', ')})`) : shape,
  };
  const dict = `{${c.order.map((k) => `${q}${k}${q}: ${value[k]}`).join(', ')}${r.extra}}`;
  const prefix = c.version === 1 ? 10 : 12;
  const header = dict + ' '.repeat(63 - ((prefix + dict.length) % 64)) + '\n';
  const head = Buffer.alloc(prefix);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, c.version, r.minor]).copy(head);
  const length = Math.max(0, header.length + r.length);
  if (c.version === 1) head.writeUInt16LE(length, 8);
  else head.writeUInt32LE(length, 8);
  const data = c.dtype === '<f4' ? Float32Array.from(c.values) : Float64Array.from(c.values);
  return Buffer.concat([head, Buffer.from(header, c.version === 3 ? 'utf8' : 'latin1'), Buffer.from(data.buffer)]);
}

/** numpy.load of each file: [shape, dtype str, fortran, float64 bytes as hex] or null when it raises. */
function numpyLoads(files: string[]): ([number[], string, boolean, string] | null)[] {
  const script = `import numpy, json, sys
out = []
for name in sys.argv[1:]:
    try:
        a = numpy.load(name, allow_pickle=False)
        out.append([list(a.shape), a.dtype.str, bool(a.flags.f_contiguous and not a.flags.c_contiguous), numpy.ascontiguousarray(a).astype('<f8').tobytes().hex() if a.dtype.kind == 'f' else ''])
    except Exception:
        out.append(None)
print(json.dumps(out))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, ...files], { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

const hex = (data: Float32Array | Float64Array) => Buffer.from(Float64Array.from(data).buffer).toString('hex');

describe(`fuzzing the readers (seed ${FC_SEED})`, () => {
  test('.npy: well-formed headers in any spelling read to the exact values; Fortran order only when it is C order too [120 cases]', () => {
    fc.assert(
      fc.property(npyCase, (c) => {
        const bytes = npyFile(c);
        const twoD = c.shape.length === 2 && c.shape[0] > 1 && c.shape[1] > 1;
        if (c.fortran && twoD) {
          expect(() => parseNpy(bytes, 'f.npy')).toThrow('f.npy: Fortran-ordered arrays are not supported');
          return;
        }
        const read = parseNpy(bytes, 'c.npy');
        expect(read.shape).toEqual(c.shape.length === 1 ? [c.shape[0], 1] : c.shape);
        expect(hex(read.data)).toBe(hex(c.dtype === '<f4' ? Float32Array.from(c.values) : Float64Array.from(c.values)));
      }),
      fcRun(120),
    );
  });

  test('.npy: respelled headers are read exactly as numpy.load reads them, or refused [150 cases]', () => {
    const cases = fc.sample(fc.tuple(npyCase, respelling), fcRun(150));
    const files = cases.map(([c, r], i) => {
      const bytes = respelled(c, r);
      const file = path.join(dir, `m${i}.npy`);
      writeFileSync(file, bytes);
      return { file, bytes };
    });
    const numpy = numpyLoads(files.map((f) => f.file));
    files.forEach(({ file, bytes }, i) => {
      const ours = (() => {
        try {
          return parseNpy(bytes, file);
        } catch (error) {
          if (error instanceof TfjsEmError && error.code === 'FILE_FORMAT') return null;
          throw error;
        }
      })();
      const theirs = numpy[i];
      const context = `case ${i} (seed ${FC_SEED}): ${JSON.stringify(bytes.subarray(0, 80).toString('latin1'))} numpy: ${JSON.stringify(theirs?.slice(0, 3))}`;
      if (ours === null) return; // refusing is always allowed: fewer layouts than numpy are supported
      expect({ context, numpyRead: theirs !== null }).toEqual({ context, numpyRead: true });
      const [shape, dtype, , values] = theirs!;
      expect({ context, dtype, ndim: shape.length }).toEqual({ context, dtype: expect.stringMatching(/^<f[48]$/), ndim: expect.any(Number) });
      expect({ context, shape: ours.shape }).toEqual({ context, shape: shape.length === 1 ? [shape[0], 1] : shape });
      expect({ context, values: hex(ours.data) }).toEqual({ context, values });
    });
  });

  // ---------------------------------------------------------------- CSV

  const csvCase = fc
    .record({ n: fc.integer({ min: 1, max: 6 }), d: fc.integer({ min: 1, max: 4 }) })
    .chain(({ n, d }) =>
      fc.record({
        d: fc.constant(d),
        values: fc.array(fc.oneof({ weight: 8, arbitrary: finite }, { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) }), { minLength: n * d, maxLength: n * d }),
        spelling: fc.array(fc.constantFrom('string', 'exponential', 'precision'), { minLength: n * d, maxLength: n * d }),
        separator: fc.constantFrom(',', ', ', ' ,', ' ', '\t', '  \t '),
        eol: fc.constantFrom('\n', '\r\n', '\r'),
        header: fc.boolean(),
        comments: fc.array(fc.integer({ min: 0, max: n }), { maxLength: 3 }),
        indent: fc.constantFrom('', ' ', '\t'),
      }),
    );
  type CsvCase = typeof csvCase extends fc.Arbitrary<infer T> ? T : never;

  function spell(v: number, how: string): string {
    if (Number.isNaN(v)) return how === 'string' ? 'nan' : 'NaN';
    if (!Number.isFinite(v)) return `${v < 0 ? '-' : ''}${how === 'string' ? 'inf' : 'Infinity'}`;
    return how === 'exponential' ? v.toExponential() : how === 'precision' ? v.toPrecision(17) : String(v);
  }

  function csvText(c: CsvCase): string {
    const rows: string[] = [];
    for (let i = 0; i < c.values.length / c.d; i++) {
      rows.push(c.indent + c.values.slice(i * c.d, (i + 1) * c.d).map((v, j) => spell(v, c.spelling[i * c.d + j])).join(c.separator) + c.indent);
    }
    for (const at of [...c.comments].sort((a, b) => b - a)) rows.splice(at, 0, at % 2 ? '# a comment, 1, 2' : '');
    if (c.header) rows.unshift(Array.from({ length: c.d }, (_, j) => `feature${j}`).join(c.separator));
    return rows.join(c.eol) + c.eol;
  }

  test('CSV: any separator, line end, header, comment and number spelling reads to the exact values [120 cases]', () => {
    fc.assert(
      fc.property(csvCase, (c) => {
        const read = parseText(csvText(c), 'c.csv');
        expect(read.shape).toEqual([c.values.length / c.d, c.d]);
        expect(Array.from(read.data)).toEqual(c.values);
      }),
      fcRun(120),
    );
  });

  test('CSV: a word in place of any one value is reported with its line, never taken as a header [80 cases]', () => {
    const word = fc.stringMatching(/^[a-mo-z][a-z_]{0,6}$/).filter((w) => !/^(inf|infinity|nan)$/i.test(w));
    fc.assert(
      fc.property(csvCase.filter((c) => c.d >= 2 && !c.header && c.comments.length === 0), fc.nat(), word, (c, at, w) => {
        const index = at % c.values.length;
        const lines = csvText(c).split(c.eol);
        const row = Math.floor(index / c.d);
        const fields = lines[row].trim().split(c.separator.trim() === ',' ? ',' : /\s+/).map((s) => s.trim());
        fields[index % c.d] = w;
        lines[row] = fields.join(c.separator.trim() === ',' ? ',' : ' ');
        expect(() => parseText(lines.join(c.eol), 't.csv')).toThrow(`t.csv: line ${row + 1}: "${w}" is not a number`);
      }),
      fcRun(80),
    );
  });

  test('CSV: text with arbitrary characters inserted reads consistently or is refused [80 cases]', async () => {
    await fc.assert(
      fc.asyncProperty(csvCase, fc.nat(), fc.string({ unit: 'binary', maxLength: 6 }), async (c, at, junk) => {
        const text = csvText(c);
        const cut = at % (text.length + 1);
        const read = await outcome(() => parseText(text.slice(0, cut) + junk + text.slice(cut), 'j.csv'));
        if (typeof read === 'string') expect(read).toMatch(/^j\.csv: /);
        else expect(read.shape[0]).toBeGreaterThanOrEqual(1);
      }),
      fcRun(80),
    );
  });

  // ---------------------------------------------------------------- HDF5

  const DTYPES = { '<d': Float64Array, '<f': Float32Array, '<i': Int32Array, '<q': BigInt64Array, '<B': Uint8Array } as const;
  type H5Dtype = keyof typeof DTYPES | 'S';

  /** Values held by a dataset of rank 0-3. */
  const SIZES = [() => 1, (n: number, d: number) => n * d, (n: number, d: number) => n * d, (n: number, d: number) => n * d * 2];
  const h5Case = fc
    .record({ n: fc.integer({ min: 0, max: 40 }), d: fc.integer({ min: 1, max: 5 }), rank: fc.constantFrom(0, 1, 2, 2, 2, 3) })
    .chain(({ n, d, rank }) =>
      fc.record({
        shape: fc.constant(rank === 0 ? [] : rank === 1 ? [n * d] : rank === 2 ? [n, d] : [n, d, 2]),
        dtype: fc.constantFrom<H5Dtype>('<d', '<f', '<i', '<q', '<B', 'S'),
        ints: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: SIZES[rank](n, d), maxLength: SIZES[rank](n, d) }),
        scale: fc.constantFrom(1, -0.5, 1e-3, 1e12),
        groups: fc.array(fc.constantFrom('g', 'h', 'sub'), { maxLength: 2 }),
        chunked: fc.boolean(),
        gzip: fc.boolean(),
        sibling: fc.boolean(),
        cycle: fc.boolean(),
        named: fc.boolean(),
        chunkBytes: fc.constantFrom(8, 100, 4096),
      }),
    );
  type H5Case = typeof h5Case extends fc.Arbitrary<infer T> ? T : never;

  const datasetPath = (c: H5Case) => `/${[...c.groups.map((g, i) => `${g}${i}`), 'x'].join('/')}`;
  const numbers = (c: H5Case) => c.ints.map((v) => (c.dtype === '<d' || c.dtype === '<f' ? v * c.scale : c.dtype === '<i' ? v - 128 : v));

  async function h5Bytes(c: H5Case): Promise<Uint8Array> {
    return writeBytes((file: H5File) => {
      let group = file as H5File | ReturnType<H5File['create_group']>;
      c.groups.forEach((g, i) => (group = group.create_group(`${g}${i}`)));
      const values = numbers(c);
      const data = c.dtype === 'S' ? values.map(String) : c.dtype === '<q' ? BigInt64Array.from(values, BigInt) : DTYPES[c.dtype].from(values);
      const chunks = c.chunked && c.shape.length > 0 && c.shape.every((s) => s > 0) ? c.shape.map((s) => Math.max(1, Math.ceil(s / 3))) : null;
      group.create_dataset({ name: 'x', data, shape: [...c.shape], dtype: c.dtype, chunks, ...(chunks && c.gzip && c.dtype !== 'S' ? { compression: 'gzip' as const } : {}) });
      if (c.sibling) file.create_dataset({ name: 'other', data: Float64Array.of(1, 2), shape: [2], dtype: '<d' });
      if (c.cycle && c.groups.length > 0) (file.get(`/${c.groups[0]}0`) as ReturnType<H5File['create_group']>).create_hard_link(`/${c.groups[0]}0`, 'loop');
    });
  }

  test('HDF5: every layout reads to the exact values, or is refused for its dtype, rank or ambiguity [120 cases]', async () => {
    let i = 0;
    await fc.assert(
      fc.asyncProperty(h5Case, async (c) => {
        const file = path.join(dir, `l${i++}.h5`);
        writeFileSync(file, await h5Bytes(c));
        const read = await outcome(() => readHdf5Dataset(file, c.named ? datasetPath(c) : undefined, c.chunkBytes));
        if (!c.named && c.sibling) return expect(read).toMatch(/name the dataset as .*other, \/.*x/);
        if (c.dtype === 'S') return expect(read).toMatch(/is not numeric$/);
        if (c.shape.length === 0 || c.shape.length === 3) return expect(read).toMatch(/has shape \[.*\]; expected \[samples, features\] or \[samples\]$/);
        expect(typeof read).toBe('object');
        const { data, shape } = read as HostArray2D;
        expect(shape).toEqual(c.shape.length === 1 ? [c.shape[0], 1] : c.shape);
        const values = numbers(c).slice(0, data.length);
        expect(Array.from(data)).toEqual(c.dtype === '<f' ? Array.from(Float32Array.from(values)) : values);
      }),
      fcRun(120),
    );
  });

  test('HDF5: damaged bytes are read or refused as FILE_FORMAT, never another failure [50 cases]', async () => {
    let i = 0;
    const flips = fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(h5Case.filter((c) => c.shape.length === 2 && c.dtype !== 'S'), flips, async (c, changes) => {
        const bytes = await h5Bytes(c);
        for (const { at, byte } of changes) bytes[at % bytes.length] = byte;
        const file = path.join(dir, `d${i++}.h5`);
        writeFileSync(file, bytes);
        await outcome(() => readHdf5Dataset(file, datasetPath(c), c.chunkBytes));
      }),
      fcRun(50),
    );
  });
});
