/**
 * HDF5 data files: a contiguous little-endian float dataset is taken straight from the file's
 * bytes (src/io/data/contiguous.ts finds it from the superblock and the object header), any
 * other is read through HDF5. Files written by h5py in each layout; the values must be h5py's
 * (the numbers written), and the byte range h5py's own get_offset().
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readHdf5Dataset } from '../../src/io/data/hdf5.js';
import { contiguousRange } from '../../src/io/data/contiguous.js';
import { python, tempDir, writeNpy } from '../cli/fixtures.js';

const [n, d] = [300, 7];
const x = { data: Float64Array.from({ length: n * d }, (_, i) => Math.sin(i) * 10 ** ((i % 9) - 4)), shape: [n, d] as [number, number] };

/** name -> [h5py's create_dataset arguments, file options] */
const LAYOUTS: Record<string, [string, string]> = {
  v1: ["data=x", "libver='earliest'"],
  v2f32: ["data=x.astype('<f4')", "libver='latest'"],
  chunked: ["data=x, chunks=(64, 7), compression='gzip'", "libver='earliest'"],
  bigEndian: ["data=x.astype('>f8')", "libver='earliest'"],
  smallInLarge: ["data=x", "libver='earliest'"],
  manyAttributes: ["data=x", "libver='earliest'"],
};

describe('HDF5 data files', () => {
  const dir = tempDir();
  const npy = writeNpy(path.join(dir, 'x.npy'), x);
  const script = `import h5py, numpy, json, sys
x = numpy.load(sys.argv[2])
out = {}
for name, (args, options) in json.loads(sys.argv[3]).items():
    file = f'{sys.argv[1]}/{name}.h5'
    with h5py.File(file, 'w', **eval(f'dict({options})')) as f:
        if name == 'smallInLarge': f.create_dataset('padding', data=numpy.zeros(200000))
        ds = eval(f"f.create_dataset('g/x', {args})")
        if name == 'manyAttributes':
            for a in range(60): ds.attrs[f'a{a}'] = numpy.arange(a + 1.0)
        out[name] = {'offset': ds.id.get_offset(), 'header': h5py.h5o.get_info(ds.id).addr}
print(json.dumps(out))`;
  const written: Record<string, { offset: number | null; header: number }> = JSON.parse(python(script, [dir, npy, JSON.stringify(LAYOUTS)]));
  const file = (name: string) => path.join(dir, `${name}.h5`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each(Object.keys(LAYOUTS))('%s: the values h5py wrote', async (name) => {
    const read = await readHdf5Dataset(file(name), '/g/x');
    expect(read.shape).toEqual([n, d]);
    const f32 = name === 'v2f32';
    expect(read.data).toBeInstanceOf(f32 ? Float32Array : Float64Array);
    expect(Array.from(read.data)).toEqual(Array.from(f32 ? Float32Array.from(x.data) : x.data));
  });

  test.each(Object.keys(LAYOUTS))('%s: the byte range h5py gives (none when chunked)', (name) => {
    const { offset, header } = written[name];
    const size = n * d * (name === 'v2f32' ? 4 : 8);
    expect(contiguousRange(readFileSync(file(name)), header)).toEqual(offset === null ? null : { offset, size });
  });

  test('a dataset that is most of its file is a view of the file bytes; a small one is copied out of them', async () => {
    const big = await readHdf5Dataset(file('v1'), '/g/x');
    expect(big.data.buffer.byteLength).toBeGreaterThan(big.data.byteLength);
    const small = await readHdf5Dataset(file('smallInLarge'), '/g/x');
    expect(small.data.buffer.byteLength).toBe(small.data.byteLength);
  });

  test('damaged headers give no range or one inside the file, never an exception', () => {
    for (const name of ['v1', 'v2f32', 'manyAttributes']) {
      const original = readFileSync(file(name));
      const { header } = written[name];
      let seed = 7;
      const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      for (let trial = 0; trial < 300; trial++) {
        const bytes = Uint8Array.from(original.subarray(0, trial % 10 === 0 ? Math.floor(random() * original.length) : original.length));
        for (let k = 0; k < 4; k++) {
          const at = trial % 2 === 0 ? header + Math.floor(random() * 400) : Math.floor(random() * 96);
          if (at < bytes.length) bytes[at] = Math.floor(random() * 256);
        }
        const range = contiguousRange(bytes, header);
        if (range !== null) expect(range.offset + range.size).toBeLessThanOrEqual(bytes.length);
      }
    }
  });
});
