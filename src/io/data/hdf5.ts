/** A numeric dataset of an HDF5 file as samples: `file.h5:/group/dataset`, or the file's only dataset. */
import type { HostArray2D } from '../../data/matrix.js';
import type { H5File, H5Lib } from '../h5.js';
import { withReadFile } from '../h5file.js';
import { dataError } from './fail.js';
import { contiguousRange } from './contiguous.js';
import { assertFitsInMemory } from './memory.js';

const INTEGER = 0;
const FLOAT = 1;
/** Bytes read from HDF5 at a time: h5wasm copies each read through its own heap. */
const CHUNK_BYTES = 8 * 2 ** 20;
/** Objects visited when listing a file's datasets (links can form cycles and fan out). */
const MAX_LISTED_OBJECTS = 10000;

type H5Dataset = InstanceType<H5Lib['Dataset']>;
type H5Group = InstanceType<H5Lib['Group']>;

export async function readHdf5Dataset(file: string, dataset: string | undefined, chunkBytes = CHUNK_BYTES): Promise<HostArray2D> {
  return withReadFile(file, (h5, _name, bytes, lib) => toSamples(findDataset(lib, h5, file, dataset), file, dataset ?? '', chunkBytes, bytes));
}

function findDataset(lib: H5Lib, h5: H5File, file: string, path: string | undefined): H5Dataset {
  if (path === undefined) {
    const all = datasetPaths(lib, h5);
    if (all.length === 1) return h5.get(all[0]) as H5Dataset;
    throw dataError(file, `name the dataset as ${file}:/dataset (it holds: ${listing(all)})`);
  }
  // A named dataset is opened directly; the file is listed only to explain a wrong name.
  const entity = h5.get(path);
  if (entity instanceof lib.Dataset) return entity;
  const what = entity === null ? 'no dataset' : 'not a dataset:';
  throw dataError(file, `${what} ${path} (datasets: ${listing(datasetPaths(lib, h5))})`);
}

/**
 * Paths of the datasets, each object once: hard links can make a group its own descendant,
 * so groups are recognised by their address (an object reference) and not entered twice.
 */
function datasetPaths(lib: H5Lib, root: H5Group): string[] {
  const seen = new Set<string>([addressOf(root)]);
  const found: string[] = [];
  const queue: [H5Group, string][] = [[root, '/']];
  let visited = 0;
  for (let q = 0; q < queue.length && visited < MAX_LISTED_OBJECTS; q++) {
    const [group, prefix] = queue[q];
    for (const key of group.keys()) {
      if (++visited > MAX_LISTED_OBJECTS) break;
      const entity = group.get(key);
      if (!(entity instanceof lib.Dataset || entity instanceof lib.Group)) continue;
      const address = addressOf(entity);
      if (seen.has(address)) continue;
      seen.add(address);
      if (entity instanceof lib.Dataset) found.push(prefix + key);
      else queue.push([entity, `${prefix}${key}/`]);
    }
  }
  return found;
}

function addressOf(entity: H5Group | H5Dataset): string {
  return Array.from(entity.create_reference().ref_data).join(',');
}

function listing(paths: string[]): string {
  if (paths.length === 0) return 'none';
  return paths.length > 8 ? `${paths.slice(0, 8).join(', ')}, ...` : paths.join(', ');
}

/**
 * 2-D as [samples, features]; 1-D as samples of one feature. float32 stays float32. A contiguous
 * little-endian float dataset is taken straight from the file's bytes (our own copy of them).
 */
function toSamples(dataset: H5Dataset, file: string, path: string, chunkBytes: number, bytes: Uint8Array): HostArray2D {
  const { type, size } = dataset.metadata;
  const where = path || dataset.path;
  if (type !== INTEGER && type !== FLOAT) throw dataError(file, `dataset ${where} is not numeric`);
  const shape = dataset.shape ?? [];
  if (shape.length !== 1 && shape.length !== 2) {
    throw dataError(file, `dataset ${where} has shape [${shape}]; expected [samples, features] or [samples]`);
  }
  const [n, d] = shape.length === 2 ? [shape[0], shape[1]] : [shape[0], 1];
  const float32 = type === FLOAT && size === 4;
  assertFitsInMemory(file, `dataset ${where} declares ${n} x ${d} values, which`, n * d, float32 ? 4 : 8);
  if (n * d === 0) return { data: float32 ? new Float32Array(0) : new Float64Array(0), shape: [n, d] };
  const direct = type === FLOAT && dataset.metadata.littleEndian ? storedValues(dataset, bytes, n, d, size) : null;
  if (direct !== null) return { data: direct, shape: [n, d] };
  const data = float32 ? new Float32Array(n * d) : new Float64Array(n * d);
  const rows = Math.max(1, Math.floor(chunkBytes / (Math.max(d, 1) * size)));
  for (let start = 0; start < n; start += rows) {
    const end = Math.min(n, start + rows);
    const part = dataset.slice([[start, end]]) as ArrayLike<number | bigint>;
    copyInto(data, part, start * d);
  }
  return { data, shape: [n, d] };
}

/**
 * The values of a contiguous float dataset as they lie in the file (see contiguous.ts), checked
 * against HDF5's reading of its first and last row; null where they cannot be taken so. Most of
 * the file: a view of its bytes; else a copy, so that a small dataset does not hold a large file.
 */
function storedValues(dataset: H5Dataset, bytes: Uint8Array, n: number, d: number, size: number): Float32Array | Float64Array | null {
  if (dataset.metadata.chunks !== null) return null;
  const ref = Uint8Array.from(dataset.create_reference().ref_data); // an object reference: the object header's address
  if (ref.length !== 8) return null;
  const header = new DataView(ref.buffer).getBigUint64(0, true);
  const range = contiguousRange(bytes, Number(header));
  if (range === null || range.size !== n * d * size) return null;
  const at = bytes.byteOffset + range.offset;
  const asValues = (buffer: ArrayBufferLike, offset: number) => (size === 4 ? new Float32Array(buffer, offset, n * d) : new Float64Array(buffer, offset, n * d));
  const values =
    at % size === 0 && 2 * range.size >= bytes.length
      ? asValues(bytes.buffer, at)
      : asValues(bytes.slice(range.offset, range.offset + range.size).buffer, 0);
  for (const row of [0, n - 1]) {
    const read = dataset.slice([[row, row + 1]]) as ArrayLike<number>;
    for (let j = 0; j < d; j++) if (!Object.is(read[j], values[row * d + j])) return null;
  }
  return values;
}

/** Integers (int64 comes as BigInt) are converted one by one; floats are copied. */
function copyInto(data: Float32Array | Float64Array, part: ArrayLike<number | bigint>, offset: number): void {
  if (ArrayBuffer.isView(part) && !(part instanceof BigInt64Array || part instanceof BigUint64Array)) {
    data.set(part as ArrayLike<number>, offset);
    return;
  }
  for (let i = 0; i < part.length; i++) data[offset + i] = Number(part[i]);
}
