/**
 * Reading and writing HDF5 files from a path (Node) or bytes (anywhere). HDF5 only ever sees a
 * fresh file on h5wasm's in-memory file system (see h5.ts for why); paths are read and written
 * as whole files.
 */
import { TfjsEmError, invalidArgument } from '../errors.js';
import { GlobalHeapScan } from './globalHeap.js';
import { h5, type H5File, type H5Lib } from './h5.js';
import { readHostFile, writeHostFileAtomic } from './hostFile.js';
import { isTypedArray, reasonOf, uniqueSuffix } from './util.js';

/** A file path (Node) or the bytes of a file (anywhere). */
export type Source = string | Uint8Array;

/** bob's files are written by h5py with its default (earliest) format bounds. */
const FILE_OPTIONS = { libver: ['earliest', 'v110'] as ['earliest', 'v110'] };

/**
 * Runs `read` on the opened file; `name` (the path, or a label for bytes) is for error messages,
 * `bytes` the file's bytes (the caller's own array when it passed bytes), `lib` the h5wasm it was opened with.
 */
export async function withReadFile<T>(source: Source, read: (file: H5File, name: string, bytes: Uint8Array, lib: H5Lib) => T): Promise<T> {
  if (typeof source === 'string') {
    void h5().catch(() => undefined); // h5wasm starts while the file is read
    const heaps = new GlobalHeapScan();
    const bytes = await readHostFile(source, (piece, filled) => heaps.add(piece, filled));
    return readBytes(bytes, source, read, heaps);
  }
  if (!isTypedArray(source, 'Uint8Array')) throw invalidArgument('the source must be a file path or a Uint8Array of file bytes');
  return readBytes(source, '(HDF5 bytes)', read);
}

/** Writes the file with `write` and atomically replaces `path` with it. */
export function writePath(path: string, write: (file: H5File) => void): Promise<void> {
  return writeHostFileAtomic(path, () => writeBytes(write, path));
}

async function readBytes<T>(
  bytes: Uint8Array, name: string, read: (file: H5File, name: string, bytes: Uint8Array, lib: H5Lib) => T, heaps = scanned(bytes),
): Promise<T> {
  const lib = await h5();
  const fs = lib.Module.FS;
  const scratch = `/tfjs-em-read-${uniqueSuffix()}.h5`;
  try {
    // canOwn (emscripten's, missing from h5wasm's types): the file holds the bytes without a copy; HDF5 only reads them.
    (fs.writeFile as (path: string, data: Uint8Array, options: { canOwn: boolean }) => void)(scratch, bytes, { canOwn: true });
    const file = openForRead(lib, scratch, name);
    try {
      // After opening, so that a truncated or foreign file gets HDF5's own diagnosis first.
      assertNoHeapLoop(heaps, bytes, name);
      return read(file, name, bytes, lib);
    } finally {
      closeQuietly(file);
    }
  } catch (error) {
    if (error instanceof TfjsEmError) throw error;
    throw new TfjsEmError('FILE_FORMAT', `${name}: corrupt HDF5 file (${reasonOf(error)})`);
  } finally {
    if (fs.analyzePath(scratch).exists) fs.unlink(scratch);
  }
}

function openForRead(lib: H5Lib, path: string, name: string): H5File {
  try {
    return new lib.File(path, 'r');
  } catch (error) {
    throw new TfjsEmError('FILE_FORMAT', `${name} is not a readable HDF5 file (${reasonOf(error)})`);
  }
}

function scanned(bytes: Uint8Array): GlobalHeapScan {
  const heaps = new GlobalHeapScan();
  heaps.add(bytes, bytes.length);
  return heaps;
}

function assertNoHeapLoop(heaps: GlobalHeapScan, bytes: Uint8Array, name: string): void {
  const at = heaps.firstCorrupt(bytes);
  if (at >= 0) throw new TfjsEmError('FILE_FORMAT', `${name}: corrupt HDF5 file (damaged global heap collection at byte ${at})`);
}

/** Writes a new HDF5 file with `write`, closes it (flushing everything) and returns its bytes. */
export async function writeBytes(write: (file: H5File) => void, name = 'the HDF5 file'): Promise<Uint8Array> {
  const lib = await h5();
  const fs = lib.Module.FS;
  const scratch = `/tfjs-em-write-${uniqueSuffix()}.h5`;
  const file = new lib.File(scratch, 'w', FILE_OPTIONS);
  try {
    try {
      write(file);
    } finally {
      file.close();
    }
    return fs.readFile(scratch);
  } catch (error) {
    if (error instanceof TfjsEmError) throw error;
    throw invalidArgument(`cannot write ${name}: ${reasonOf(error)}`);
  } finally {
    fs.unlink(scratch);
  }
}

/** h5wasm may fail to release a damaged file; what was read from it is complete by then. */
function closeQuietly(file: H5File): void {
  try {
    file.close();
  } catch {
    // nothing more to do with this file
  }
}
