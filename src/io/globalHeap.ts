/**
 * A guard against one known hang of the HDF5 library (seen in h5wasm's HDF5 2.0 and in h5py):
 * variable-length strings live in global heap collections ("GCOL"), and HDF5 walks a collection
 * object by object without checking that each step moves forward. A corrupt object size (a free
 * object of size 0, a size that wraps around) makes that walk loop forever inside wasm, where no
 * JS timeout can stop it. So before HDF5 sees a file, every collection is walked here with the
 * same rules; a well-formed one ends exactly at its end.
 *
 * Layout assumed: 8-byte lengths, the HDF5 default (h5py and h5wasm always write it).
 */

const SIGNATURE = [0x47, 0x43, 0x4f, 0x4c]; // "GCOL"
const HEADER = 16; // signature, version, 3 reserved bytes, collection size
const OBJECT_HEADER = 16; // index (2), reference count (2), reserved (4), object size (8)

/** The offset of the first corrupt global heap collection, or -1 if there is none. */
export function findCorruptGlobalHeap(bytes: Uint8Array): number {
  const scan = new GlobalHeapScan();
  scan.add(bytes, bytes.length);
  return scan.firstCorrupt(bytes);
}

/**
 * The same search while a file's bytes arrive in pieces (the search overlaps the reading):
 * add(bytes, filled) after each piece notes the signatures wholly inside [0, filled);
 * firstCorrupt(bytes) walks each collection once every byte is there.
 */
export class GlobalHeapScan {
  private readonly candidates: number[] = [];
  /** The first offset not searched yet. */
  private next = 0;

  add(bytes: Uint8Array, filled: number): void {
    const find = signatureFinder(bytes.subarray(0, filled));
    for (let at = find(this.next); at >= 0; at = find(at + 1)) if (isCollectionHeader(bytes, at, filled)) this.candidates.push(at);
    this.next = Math.max(this.next, filled - (SIGNATURE.length - 1));
  }

  firstCorrupt(bytes: Uint8Array): number {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return this.candidates.find((at) => isCollectionHeader(bytes, at, bytes.length) && !walks(view, at)) ?? -1;
  }
}

interface NodeBuffer {
  from(buffer: ArrayBufferLike, offset: number, length: number): { indexOf(value: Uint8Array, from: number): number };
}

/**
 * The next "GCOL" at or after an offset: Node's Buffer searches for the whole signature natively;
 * elsewhere each of its first byte is tried (a float dataset holds one in 256 bytes).
 */
function signatureFinder(bytes: Uint8Array): (from: number) => number {
  const buffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
  if (buffer !== undefined) {
    const haystack = buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const needle = Uint8Array.from(SIGNATURE);
    return (from) => haystack.indexOf(needle, from);
  }
  return (from) => bytes.indexOf(SIGNATURE[0], from);
}

/**
 * As HDF5 decides it: the signature and version 1 (the reserved bytes are not checked). Where the
 * header runs past `filled` (bytes not read yet), the signature alone: the walk decides later.
 */
function isCollectionHeader(bytes: Uint8Array, at: number, filled: number): boolean {
  if (at + SIGNATURE.length > filled) return false;
  for (let i = 0; i < 4; i++) if (bytes[at + i] !== SIGNATURE[i]) return false;
  if (at + HEADER > filled) return filled < bytes.length;
  return bytes[at + 4] === 1;
}

function walks(view: DataView, at: number): boolean {
  const size = view.getBigUint64(at + 8, true);
  // A collection lies inside the file; HDF5 (32-bit size_t in wasm) would truncate a larger size.
  if (size < BigInt(HEADER) || size > BigInt(view.byteLength - at)) return false;
  const end = at + Number(size);
  let p = at + HEADER;
  while (p < end) {
    if (p + OBJECT_HEADER > end) return true; // a tail too small for an object header is free space
    const index = view.getUint16(p, true);
    const objectSize = view.getBigUint64(p + 8, true);
    // The free-space object (index 0) counts its own header; other objects are padded to 8 bytes.
    const need = index === 0 ? objectSize : BigInt(OBJECT_HEADER) + ((objectSize + 7n) & ~7n);
    if (need === 0n || need > BigInt(end - p)) return false;
    p += Number(need);
  }
  return true;
}
