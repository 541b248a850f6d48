/** numpy's .npy format (versions 1-3): little-endian float32/float64, C order, 1-D or 2-D. */
import type { HostArray2D } from '../../data/matrix.js';
import { dataError } from './fail.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

type Fail = (message: string) => Error;

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** Parses the bytes of a .npy file into rows; a 1-D array is read as n samples of one feature. */
export function parseNpy(bytes: Uint8Array, name: string): HostArray2D {
  const fail = (message: string) => dataError(name, message);
  const { header, dataOffset } = readHeader(bytes, fail);
  const { descr, fortranOrder, shape } = parseHeader(header, fail);
  const itemSize = itemSizeOf(descr, fail);
  if (fortranOrder && shape.filter((n) => n > 1).length > 1) {
    throw fail('Fortran-ordered arrays are not supported: save it with numpy.ascontiguousarray(x)');
  }
  const [n, d] = shape.length === 1 ? [shape[0], 1] : shape.length === 2 ? shape : [NaN, NaN];
  if (!Number.isInteger(n)) throw fail(`expected a 1-D or 2-D array; got shape (${shape.join(', ')})`);
  const byteLength = n * d * itemSize;
  if (bytes.length - dataOffset < byteLength) {
    throw fail(`truncated: shape (${shape.join(', ')}) needs ${byteLength} bytes of data, the file has ${bytes.length - dataOffset}`);
  }
  // Copying the slice also aligns it for the typed array.
  const buffer = bytes.buffer.slice(bytes.byteOffset + dataOffset, bytes.byteOffset + dataOffset + byteLength);
  const data = itemSize === 4 ? new Float32Array(buffer) : new Float64Array(buffer);
  return { data, shape: [n, d] };
}

function readHeader(bytes: Uint8Array, fail: Fail): { header: string; dataOffset: number } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw fail('not a .npy file (bad magic bytes)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major === 1) return { header: latin1(bytes, 10, view.getUint16(8, true)), dataOffset: 10 + view.getUint16(8, true) };
  if (major === 2 || major === 3) {
    const length = view.getUint32(8, true);
    return { header: new TextDecoder().decode(bytes.subarray(12, 12 + length)), dataOffset: 12 + length };
  }
  throw fail(`unsupported .npy format version ${major}.${bytes[7]}`);
}

function latin1(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

/** The header is a Python dict literal: {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), } */
function parseHeader(header: string, fail: Fail): Header {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw fail(`unreadable .npy header: ${header.trim()}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  return { descr, fortranOrder: fortran === 'True', shape };
}

function itemSizeOf(descr: string, fail: Fail): 4 | 8 {
  if (descr === '<f4') return 4;
  if (descr === '<f8') return 8;
  const hint = descr.startsWith('>') ? ' (big-endian: convert with x.astype("<f8"))' : ' (convert with x.astype("float64"))';
  throw fail(`dtype ${descr} is not supported; only little-endian float32 (<f4) and float64 (<f8)${hint}`);
}
