/**
 * Sample files for the command line (Node): .npy, .csv / .txt, and HDF5 (`file.h5:/dataset`,
 * or `file.h5` when it holds one dataset). Several inputs or a folder give one matrix per file.
 */
import { closeSync, existsSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:buffer';
import path from 'node:path';
import type { HostArray2D } from '../../data/matrix.js';
import { NPY_PREFIX_BYTES, npyLayout } from './npy.js';
import { parseText } from './csv.js';
import { readHdf5Dataset } from './hdf5.js';
import { dataError } from './fail.js';
import { assertFitsInMemory, megabytes } from './memory.js';

export interface DataSpec {
  /** What the user wrote: the name used in messages and result rows. */
  spec: string;
  file: string;
  format: 'npy' | 'text' | 'hdf5';
  dataset?: string;
}

const HDF5 = /\.(h5|hdf5|hdf)$/i;
const EXTENSIONS: Record<string, DataSpec['format']> = { '.npy': 'npy', '.csv': 'text', '.txt': 'text' };

/** "x.npy", "x.csv", "x.h5", "x.h5:/group/data". */
export function parseDataSpec(spec: string): DataSpec {
  const inner = /^(.*\.(?:h5|hdf5|hdf)):(\/.*)$/i.exec(spec);
  if (inner) return { spec, file: inner[1], format: 'hdf5', dataset: inner[2] };
  if (HDF5.test(spec)) return { spec, file: spec, format: 'hdf5' };
  const format = EXTENSIONS[path.extname(spec).toLowerCase()];
  if (format === undefined) {
    throw dataError(spec, existsSync(spec) ? 'unknown data format: use .npy, .csv, .txt, or file.h5:/dataset' : 'no such file or folder');
  }
  return { spec, file: spec, format };
}

/** Inputs as given, with each folder replaced by its data files in name order. */
export function expandInputs(inputs: string[]): DataSpec[] {
  return inputs.flatMap((input) => (isFolder(input) ? folderFiles(input) : [parseDataSpec(input)]));
}

function isFolder(input: string): boolean {
  try {
    return statSync(input).isDirectory();
  } catch {
    return false;
  }
}

function folderFiles(folder: string): DataSpec[] {
  const names = readdirSync(folder)
    .filter((name) => HDF5.test(name) || path.extname(name).toLowerCase() in EXTENSIONS)
    .sort();
  if (names.length === 0) throw dataError(folder, 'the folder holds no .npy, .csv, .txt or .h5 files');
  return names.map((name) => parseDataSpec(path.join(folder, name)));
}

export async function readData(spec: DataSpec): Promise<HostArray2D> {
  const size = fileSize(spec.file);
  if (spec.format === 'hdf5') return readHdf5Dataset(spec.file, spec.dataset);
  if (spec.format === 'npy') return readNpyFile(spec.file, size);
  // V8 strings hold at most MAX_STRING_LENGTH characters; UTF-8 has at least one byte per character.
  if (size > constants.MAX_STRING_LENGTH) {
    throw dataError(spec.file, `${megabytes(size)} is too large to read as text (at most ${megabytes(constants.MAX_STRING_LENGTH)}); save the samples as .npy`);
  }
  return parseText(Buffer.from(readRange(spec.file, 0, size)).toString('utf8'), spec.file);
}

function fileSize(file: string): number {
  let stat;
  try {
    stat = statSync(file);
  } catch (error) {
    throw dataError(file, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read: ${systemReason(error)}`);
  }
  if (!stat.isFile()) throw dataError(file, 'not a file');
  return stat.size;
}

/** The header, then the samples read straight into their typed array (files over 2 GiB too). */
function readNpyFile(file: string, size: number): HostArray2D {
  const layout = npyLayout(readRange(file, 0, Math.min(size, NPY_PREFIX_BYTES)), size, file);
  const [n, d] = layout.shape;
  assertFitsInMemory(file, `shape (${n}, ${d}): ${n * d} float${layout.itemSize * 8} values`, n * d, layout.itemSize);
  const data = layout.itemSize === 4 ? new Float32Array(n * d) : new Float64Array(n * d);
  readRange(file, layout.dataOffset, layout.byteLength, new Uint8Array(data.buffer));
  return { data, shape: layout.shape };
}

/** Bytes [start, start + length) of a file, in pieces of at most 1 GiB (one read's limit). */
function readRange(file: string, start: number, length: number, into = new Uint8Array(length)): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw dataError(file, `cannot read: ${systemReason(error)}`);
  }
  try {
    for (let done = 0; done < length; ) {
      const read = readSync(fd, into, done, Math.min(length - done, 2 ** 30), start + done);
      if (read === 0) throw dataError(file, `truncated while reading: ${done} of ${length} bytes`);
      done += read;
    }
    return into;
  } catch (error) {
    if (error instanceof Error && error.name === 'TfjsEmError') throw error;
    throw dataError(file, `cannot read: ${systemReason(error)}`);
  } finally {
    closeSync(fd);
  }
}

/** "permission denied (EACCES)" from a Node system error. */
function systemReason(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const text = /^\w+: ([^,]+)/.exec(message ?? '')?.[1] ?? String(message ?? error);
  return code ? `${text} (${code})` : text;
}

/** A short name for result rows and output files: the file name without its extension (plus the dataset). */
export function baseName(spec: DataSpec): string {
  const stem = path.basename(spec.file).replace(/\.[^.]+$/, '');
  return spec.dataset ? `${stem}${spec.dataset.replace(/\//g, '_')}` : stem;
}
