/** Test helpers: reference files, scratch directories, and h5py (Debian's /usr/bin/python3) as an independent reader. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export { referencePath as ref } from '../helpers/reference.js';

export function scratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-em-io-'));
}

export interface H5pyEntry {
  dtype: string;
  shape?: number[];
  /** [encoding, length] for strings (length null: variable length), else null */
  string: [string, number | null] | null;
  value: unknown;
}

export interface H5pyDump {
  attrs: Record<string, H5pyEntry>;
  datasets: Record<string, H5pyEntry>;
}

const DUMP = `
import h5py, json, sys, numpy as np
def val(x):
    if isinstance(x, bytes): return x.decode()
    if isinstance(x, np.ndarray): return [val(v) for v in x.tolist()] if x.dtype.kind in 'OS' else x.tolist()
    if isinstance(x, np.generic): return x.item()
    return x
def kind(dt):
    s = h5py.check_string_dtype(dt)
    return None if s is None else [s.encoding, s.length]
out = {'attrs': {}, 'datasets': {}}
with h5py.File(sys.argv[1], 'r') as h:
    for k in h.attrs:
        dt = h.attrs.get_id(k).dtype
        out['attrs'][k] = {'value': val(h.attrs[k]), 'dtype': str(dt), 'string': kind(dt)}
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            out['datasets'][name] = {'dtype': str(obj.dtype), 'shape': list(obj.shape), 'value': val(obj[()]), 'string': kind(obj.dtype)}
    h.visititems(visit)
print(json.dumps(out))
`;

/** Every attribute and dataset of a file as h5py sees it. */
export function h5py(file: string): H5pyDump {
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', DUMP, file], { encoding: 'utf8' })) as H5pyDump;
}

/** Runs a Python snippet with h5py and numpy imported and sys.argv[1:] = args. */
export function python(script: string, ...args: string[]): string {
  return execFileSync('/usr/bin/python3', ['-c', `import h5py, numpy as np, sys, json\n${script}`, ...args], { encoding: 'utf8' });
}

/** Values of a row-major nested list, flattened. */
export function flat(value: unknown): number[] {
  return Array.isArray(value) ? value.flatMap(flat) : [Number(value)];
}
