/**
 * Arrays written as .npy (format 1.0, C order, little-endian float64 or int32) or .csv (one row
 * per line, comma-separated, shortest round-trip decimals), atomically (see writeHostFileAtomic).
 */
import { writeHostFileAtomic } from '../hostFile.js';
import { invalidArgument } from '../../errors.js';

export interface ArrayToWrite {
  data: Float64Array | Int32Array;
  shape: [number] | [number, number];
}

export async function writeArrayFile(path: string, array: ArrayToWrite): Promise<void> {
  const format = /\.npy$/i.test(path) ? 'npy' : /\.(csv|txt)$/i.test(path) ? 'csv' : null;
  if (format === null) throw invalidArgument(`${path}: write .npy or .csv`);
  await writeHostFileAtomic(path, async () => (format === 'npy' ? npyBytes(array) : csvBytes(array)));
}

function npyBytes({ data, shape }: ArrayToWrite): Uint8Array {
  const descr = data instanceof Float64Array ? '<f8' : '<i4';
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const header = dict + ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

function csvBytes({ data, shape }: ArrayToWrite): Uint8Array {
  const width = shape.length === 1 ? 1 : shape[1];
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += width) lines.push(Array.from(data.subarray(i, i + width), String).join(','));
  return new TextEncoder().encode(lines.join('\n') + '\n');
}
