/** Data files for the CLI tests (.npy, .csv, .h5), and HDF5 read back through h5py as a second opinion. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clusters } from '../helpers/synthetic.js';

export const PYTHON = '/usr/bin/python3';

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'tfjs-em-cli-'));
}

export interface Data {
  data: Float64Array;
  shape: [number, number];
}

/** n samples around each of the centres (std 1), flattened row-major. */
export function blobs(centres: number[][], n: number, seed: number): Data {
  const rows = clusters(centres, n, 1, seed);
  return { data: Float64Array.from(rows.flat()), shape: [rows.length, centres[0].length] };
}

/** A .npy file (format 1.0, or 2.0 with a 4-byte header length), C order unless fortran. */
export function npyBytes(x: Data, dtype: '<f4' | '<f8' = '<f8', options: { version?: 1 | 2; fortran?: boolean } = {}): Buffer {
  const version = options.version ?? 1;
  const dict = `{'descr': '${dtype}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': (${x.shape[0]}, ${x.shape[1]}), }`;
  const prefix = version === 1 ? 10 : 12;
  const padded = dict + ' '.repeat(63 - ((prefix + dict.length) % 64)) + '\n';
  const header = Buffer.alloc(prefix);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(header);
  if (version === 1) header.writeUInt16LE(padded.length, 8);
  else header.writeUInt32LE(padded.length, 8);
  const values = dtype === '<f4' ? Float32Array.from(x.data) : Float64Array.from(x.data);
  return Buffer.concat([header, Buffer.from(padded, 'latin1'), Buffer.from(values.buffer)]);
}

export function writeNpy(file: string, x: Data, dtype: '<f4' | '<f8' = '<f8'): string {
  writeFileSync(file, npyBytes(x, dtype));
  return file;
}

export function csvText(x: Data, separator = ','): string {
  const lines: string[] = [];
  for (let i = 0; i < x.shape[0]; i++) lines.push(Array.from(x.data.subarray(i * x.shape[1], (i + 1) * x.shape[1])).join(separator));
  return lines.join('\n') + '\n';
}

/** An HDF5 file written by h5py, holding x at `dataset` (float64). */
export function writeH5(file: string, dataset: string, x: Data): string {
  const npy = `${file}.npy`;
  writeNpy(npy, x);
  python(`import numpy, h5py, sys\nwith h5py.File(sys.argv[1], 'w') as f: f.create_dataset(sys.argv[2], data=numpy.load(sys.argv[3]))`, [file, dataset, npy]);
  return file;
}

/** Every dataset of an HDF5 file as h5py reads it (values, dtype, shape), and the root attributes. */
export function h5pyRead(file: string): { datasets: Record<string, { value: unknown; dtype: string; shape: number[] }>; attrs: Record<string, string> } {
  const script = `import h5py, json, sys, numpy
out = {'datasets': {}, 'attrs': {}}
with h5py.File(sys.argv[1], 'r') as f:
    for k, v in f.attrs.items(): out['attrs'][k] = v.decode() if isinstance(v, bytes) else str(v)
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            v = obj[()]
            v = v.decode() if isinstance(v, bytes) else v.tolist() if isinstance(v, numpy.ndarray) else v.item() if hasattr(v, 'item') else v
            out['datasets'][name] = {'value': v, 'dtype': str(obj.dtype), 'shape': list(obj.shape)}
    f.visititems(visit)
print(json.dumps(out))`;
  return JSON.parse(python(script, [file]));
}

export interface GmmValues {
  weights: number[];
  means: number[][];
  variances: number[][];
  /** bob's variance_thresholds; default: float64 epsilon, one per Gaussian and feature as bob writes it. */
  floor?: number;
}

/** A GMMMachine file in bob.learn.em's layout 1.0, written by h5py as bob's GMMMachine.save does. */
export function writeBobGMM(file: string, g: GmmValues): string {
  const script = `import h5py, json, sys, numpy
g = json.loads(sys.argv[2])
means = numpy.array(g['means'], dtype=float)
with h5py.File(sys.argv[1], 'w') as f:
    f.attrs['file_version'] = '1.0'
    f.attrs['writer_class'] = "<class 'bob.learn.em.GMMMachine'>"
    f['n_gaussians'] = len(g['weights'])
    f['trainer'] = 'ml'
    f['convergence_threshold'] = 1e-5
    f['max_fitting_steps'] = 200
    f['weights'] = numpy.array(g['weights'], dtype=float)
    f['update_means'] = True
    f['update_variances'] = False
    f['update_weights'] = False
    f['gaussians/means'] = means
    f['gaussians/variances'] = numpy.array(g['variances'], dtype=float)
    f['gaussians/variance_thresholds'] = numpy.full(means.shape, g.get('floor', numpy.finfo(float).eps))`;
  python(script, [file, JSON.stringify(g)]);
  return file;
}

export function python(script: string, args: string[]): string {
  return execFileSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
}
