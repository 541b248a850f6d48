/** Whole files on the host file system (Node): reading, and atomic replacement. */
import { invalidArgument } from '../errors.js';
import { hostFs, type HostFs } from './h5.js';
import { reasonOf, uniqueSuffix } from './util.js';

/** Node reads at most 2 GiB into one buffer. */
const MAX_WHOLE_FILE = 2 ** 31 - 1;

/** Bytes read at a time: each piece is handed to onPiece while the next one is read. */
const PIECE_BYTES = 32 * 2 ** 20;

/**
 * The whole file, read asynchronously (h5wasm starts meanwhile) in pieces; after each,
 * onPiece(bytes, filled) with bytes [0, filled) read so far.
 */
export async function readHostFile(path: string, onPiece?: (bytes: Uint8Array, filled: number) => void): Promise<Uint8Array> {
  const fs = await hostFs();
  let stat;
  try {
    stat = fs.statSync(path);
  } catch {
    throw invalidArgument(`no such file: ${path}`);
  }
  if (stat.isDirectory()) throw invalidArgument(`${path} is a directory, not an HDF5 file`);
  if (stat.size > MAX_WHOLE_FILE) {
    throw invalidArgument(`cannot read ${path}: it is ${stat.size} bytes; HDF5 files are read whole, up to 2 GiB (save large sample sets as .npy)`);
  }
  try {
    return await readInPieces(fs, path, onPiece);
  } catch (error) {
    throw invalidArgument(`cannot read ${path}: ${reasonOf(error)}`);
  }
}

/** The next piece is requested before onPiece sees the last one, so that both go on at once. */
async function readInPieces(fs: HostFs, path: string, onPiece?: (bytes: Uint8Array, filled: number) => void): Promise<Uint8Array> {
  const handle = await fs.promises.open(path, 'r');
  try {
    const { size } = await handle.stat();
    // A Buffer: read over at once (no zeroing), and h5wasm's file system keeps it without a copy.
    const bytes = (globalThis as unknown as { Buffer: { allocUnsafe(n: number): Uint8Array } }).Buffer.allocUnsafe(size);
    const request = (at: number) => (at < size ? handle.read(bytes, at, Math.min(PIECE_BYTES, size - at), at) : null);
    let filled = 0;
    for (let pending = request(0); pending !== null; ) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      filled += bytesRead;
      pending = request(filled);
      onPiece?.(bytes, filled);
    }
    return filled === size ? bytes : bytes.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` atomically with the bytes `produce` returns: they go to a unique temporary
 * file in the same directory, which is synced, closed and renamed over the target. On any
 * failure the temporary file is removed and an existing target is left as it was.
 */
export async function writeHostFileAtomic(path: string, produce: () => Promise<Uint8Array>): Promise<void> {
  const fs = await hostFs();
  const { dir, base } = splitPath(path);
  assertDirectory(fs, dir.length > 1 ? dir.slice(0, -1) : dir || '.', path);
  assertReplaceable(fs, path);
  const bytes = await produce();
  const temporary = `${dir}.${base}.${uniqueSuffix()}.tmp`;
  let fd: number;
  try {
    // Exclusive create: a name clash fails here, before anything of someone else's could be removed.
    fd = fs.openSync(temporary, 'wx');
  } catch (error) {
    throw invalidArgument(`cannot write ${path}: ${reasonOf(error)}`);
  }
  try {
    try {
      fs.writeFileSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, path);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw invalidArgument(`cannot write ${path}: ${reasonOf(error)}`);
  }
}

/** dir keeps its trailing separator ('' for a bare file name). */
function splitPath(path: string): { dir: string; base: string } {
  if (typeof path !== 'string' || path.length === 0) throw invalidArgument('the file path must be a non-empty string');
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const base = path.slice(cut + 1);
  if (base.length === 0) throw invalidArgument(`${path} names a directory, not a file`);
  return { dir: path.slice(0, cut + 1), base };
}

/**
 * Only a regular file is replaced: renaming over a symbolic link, a device or a FIFO would
 * turn it into a regular file (think /dev/null). Such targets are refused, links included.
 */
function assertReplaceable(fs: HostFs, path: string): void {
  let stat;
  try {
    stat = fs.lstatSync(path);
  } catch {
    return; // a new file
  }
  if (stat.isSymbolicLink()) throw invalidArgument(`cannot write ${path}: it is a symbolic link; give the path it points to`);
  if (!stat.isFile()) throw invalidArgument(`cannot write ${path}: it is not a regular file`);
}

function assertDirectory(fs: HostFs, dir: string, path: string): void {
  let isDirectory = false;
  try {
    isDirectory = fs.statSync(dir).isDirectory();
  } catch {
    // missing: reported below
  }
  if (!isDirectory) throw invalidArgument(`cannot write ${path}: directory ${dir} does not exist`);
}
