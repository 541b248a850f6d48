/**
 * numpy's .npy format (versions 1.0, 2.0, 3.0): little-endian float32/float64, C order, 1-D or
 * 2-D. The header is parsed as strictly as numpy.load parses it: a dict literal with exactly the
 * keys descr, fortran_order and shape, shape a tuple of non-negative integers, at most 10000
 * header bytes (numpy's max_header_size).
 */
import type { HostArray2D } from '../../data/matrix.js';
import { dataError } from './fail.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** numpy.lib.format's default max_header_size. */
export const MAX_HEADER_BYTES = 10000;
/** The bytes that hold the magic, version, header length and the longest header numpy reads. */
export const NPY_PREFIX_BYTES = 12 + MAX_HEADER_BYTES;

type Fail = (message: string) => Error;

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** Where a .npy file's samples are, and their shape. */
export interface NpyLayout {
  shape: [number, number];
  itemSize: 4 | 8;
  dataOffset: number;
  byteLength: number;
}

/** Parses the bytes of a .npy file into rows; a 1-D array is read as n samples of one feature. */
export function parseNpy(bytes: Uint8Array, name: string): HostArray2D {
  const { shape, itemSize, dataOffset, byteLength } = npyLayout(bytes, bytes.length, name);
  // Copying the slice also aligns it for the typed array.
  const buffer = bytes.buffer.slice(bytes.byteOffset + dataOffset, bytes.byteOffset + dataOffset + byteLength);
  const data = itemSize === 4 ? new Float32Array(buffer) : new Float64Array(buffer);
  return { data, shape };
}

/**
 * The layout from the start of a file (`head`, at least NPY_PREFIX_BYTES of it or the whole
 * file) and the file's length, checked: the data must be all there.
 */
export function npyLayout(head: Uint8Array, fileLength: number, name: string): NpyLayout {
  const fail = (message: string) => dataError(name, message);
  const { header, dataOffset } = readHeader(head, fail);
  const { descr, fortranOrder, shape } = parseHeader(header, fail);
  const itemSize = itemSizeOf(descr, fail);
  if (shape.length !== 1 && shape.length !== 2) throw fail(`expected a 1-D or 2-D array; got shape (${shape.join(', ')})`);
  if (fortranOrder && shape.filter((n) => n > 1).length > 1) {
    throw fail('Fortran-ordered arrays are not supported: save it with numpy.ascontiguousarray(x)');
  }
  const [n, d] = shape.length === 1 ? [shape[0], 1] : shape;
  const byteLength = n * d * itemSize;
  const available = Math.max(0, fileLength - dataOffset);
  if (!Number.isSafeInteger(byteLength) || available < byteLength) {
    throw fail(`truncated: shape (${shape.join(', ')}) needs ${byteLength} bytes of data, the file has ${available}`);
  }
  return { shape: [n, d], itemSize, dataOffset, byteLength };
}

function readHeader(bytes: Uint8Array, fail: Fail): { header: string; dataOffset: number } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw fail('not a .npy file (bad magic bytes)');
  const [major, minor] = [bytes[6], bytes[7]];
  if (minor !== 0 || major < 1 || major > 3) throw fail(`unsupported .npy format version ${major}.${minor} (numpy writes 1.0, 2.0 and 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) throw fail('truncated: the header length is cut off');
  const length = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (length > MAX_HEADER_BYTES) throw fail(`the header is ${length} bytes; numpy reads at most ${MAX_HEADER_BYTES}`);
  if (bytes.length < start + length) throw fail(`truncated: the header needs ${length} bytes, the file has ${bytes.length - start}`);
  const raw = bytes.subarray(start, start + length);
  const header = major === 3 ? utf8(raw, fail) : String.fromCharCode(...raw);
  return { header, dataOffset: start + length };
}

function utf8(raw: Uint8Array, fail: Fail): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw fail('the version 3.0 header is not valid UTF-8');
  }
}

/**
 * The header is a Python dict literal: {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
 * followed by spaces and a newline. Tokens are read one at a time; anything else is refused.
 */
function parseHeader(header: string, fail: Fail): Header {
  const tokens = tokenize(header, fail);
  const bad = (why: string) => fail(`unreadable .npy header: ${why} in ${shown(header)}`);
  let at = 0;
  const expect = (token: string) => {
    if (tokens[at] !== token) throw bad(`expected ${token} but found ${tokens[at] ?? 'the end'}`);
    at++;
  };
  const entries = new Map<string, HeaderValue>();
  expect('{');
  while (tokens[at] !== '}') {
    const key = stringValue(tokens[at++]);
    if (key === undefined) throw bad('a key must be a string');
    if (entries.has(key)) throw bad(`'${key}' is given twice`);
    expect(':');
    let parsed: HeaderValue;
    [parsed, at] = headerValue(tokens, at, bad, fail);
    entries.set(key, parsed);
    if (tokens[at] !== '}') expect(',');
  }
  expect('}');
  if (at !== tokens.length) throw bad('text after the dict');
  const keys = [...entries.keys()].sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') throw fail(`the header's keys are ${keys || 'none'}; numpy expects descr, fortran_order, shape`);
  const [descr, fortranOrder, shape] = [entries.get('descr'), entries.get('fortran_order'), entries.get('shape')];
  if (typeof descr !== 'string') throw bad('descr must be a string');
  if (typeof fortranOrder !== 'boolean') throw bad('fortran_order must be True or False');
  if (!Array.isArray(shape)) throw bad('shape must be a tuple of integers');
  return { descr, fortranOrder, shape };
}

type HeaderValue = string | boolean | number | number[];

const TOKEN = /\s*(?:('[^'\\\n]*'|"[^"\\\n]*")|([{}():,])|(True|False)|(-?\d+)|(\S))/y;

function tokenize(header: string, fail: Fail): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(header); m !== null; m = TOKEN.exec(header)) {
    if (m[5] !== undefined) throw fail(`unreadable .npy header: unexpected ${JSON.stringify(m[5])} in ${shown(header)}`);
    tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  }
  return tokens;
}

/** The value starting at tokens[i] (a string, True/False, or a tuple of integers) and the index after it. */
function headerValue(tokens: string[], i: number, bad: Fail, fail: Fail): [HeaderValue, number] {
  const token = tokens[i];
  const text = stringValue(token);
  if (text !== undefined) return [text, i + 1];
  if (token === 'True' || token === 'False') return [token === 'True', i + 1];
  if (token !== undefined && /^-?\d+$/.test(token)) return [Number(token), i + 1];
  if (token !== '(') throw bad(`unexpected ${token ?? 'end'}`);
  const shape: number[] = [];
  let j = i + 1;
  while (tokens[j] !== ')') {
    shape.push(dimension(tokens[j++], fail));
    if (tokens[j] === ',') j++;
    else if (tokens[j] !== ')') throw bad('a shape that is not a tuple of integers');
  }
  // A one-element tuple has a trailing comma, (5,); (5) is the number 5.
  if (shape.length === 1 && tokens[j - 1] !== ',') throw bad(`shape (${shape[0]}) is not a tuple; numpy writes (${shape[0]},)`);
  return [shape, j + 1];
}

function dimension(token: string | undefined, fail: Fail): number {
  if (token === undefined || !/^-?\d+$/.test(token)) throw fail(`shape holds ${token ?? 'nothing'}, not an integer`);
  const n = Number(token) || 0; // "-0" is the dimension 0
  if (n < 0) throw fail(`shape holds the negative dimension ${token}`);
  if (!Number.isSafeInteger(n)) throw fail(`shape holds the dimension ${token}, larger than any file`);
  return n;
}

function stringValue(token: string | undefined): string | undefined {
  return token !== undefined && /^(['"]).*\1$/s.test(token) ? token.slice(1, -1) : undefined;
}

/** The header in a message: at most 120 characters, control characters escaped. */
function shown(header: string): string {
  const text = header.trim();
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}...` : text);
}

function itemSizeOf(descr: string, fail: Fail): 4 | 8 {
  if (descr === '<f4') return 4;
  if (descr === '<f8') return 8;
  const hint = descr.startsWith('>') ? ' (big-endian: convert with x.astype("<f8"))' : ' (convert with x.astype("float64"))';
  throw fail(`dtype ${descr} is not supported; only little-endian float32 (<f4) and float64 (<f8)${hint}`);
}
