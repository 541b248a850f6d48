/**
 * Where a contiguous HDF5 dataset's raw values lie in the file's bytes, from the superblock and
 * the dataset's object header (HDF5 file format specification 3.0: superblock versions 0-3,
 * object header versions 1 and 2, data layout message versions 3 and 4). Anything else (chunked
 * or compact storage, other field sizes, a user block) gives null and the caller reads through
 * HDF5. Only the layout is read here; the caller checks the values against HDF5's own reading.
 */

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const LAYOUT_MESSAGE = 0x0008;
const CONTINUATION_MESSAGE = 0x0010;
const CONTIGUOUS = 1;
const UNDEFINED_ADDRESS = 0xffffffffffffffffn;
/** Header messages visited at most (continuation blocks can chain). */
const MAX_MESSAGES = 4096;

/** The byte range [offset, offset + size) of the dataset whose object header is at `header`, or null. */
export function contiguousRange(bytes: Uint8Array, header: number): { offset: number; size: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const base = baseAddress(bytes, view);
  if (base === null) return null;
  const layout = findMessage(view, base + header, LAYOUT_MESSAGE);
  if (layout === null || layout.size < 18) return null;
  const version = view.getUint8(layout.at);
  if ((version !== 3 && version !== 4) || view.getUint8(layout.at + 1) !== CONTIGUOUS) return null;
  const address = view.getBigUint64(layout.at + 2, true);
  const size = view.getBigUint64(layout.at + 10, true);
  if (address === UNDEFINED_ADDRESS) return null;
  const offset = BigInt(base) + address;
  if (offset + size > BigInt(bytes.length)) return null;
  return { offset: Number(offset), size: Number(size) };
}

/** The superblock's base address, where it is at byte 0 with 8-byte offsets and lengths; else null. */
function baseAddress(bytes: Uint8Array, view: DataView): number | null {
  if (bytes.length < 48 || SIGNATURE.some((b, i) => bytes[i] !== b)) return null;
  const version = bytes[8];
  const [sizes, at] = version <= 1 ? [[bytes[13], bytes[14]], version === 0 ? 24 : 28] : version <= 3 ? [[bytes[9], bytes[10]], 12] : [[0, 0], 0];
  if (sizes[0] !== 8 || sizes[1] !== 8) return null;
  const base = view.getBigUint64(at, true);
  return base === 0n ? 0 : null;
}

interface Message {
  at: number;
  size: number;
}

/** The first message of a type in the object header at `at` (following continuation blocks), or null. */
function findMessage(view: DataView, at: number, type: number): Message | null {
  const blocks = firstBlock(view, at);
  if (blocks === null) return null;
  const queue = [blocks];
  let seen = 0;
  for (let q = 0; q < queue.length; q++) {
    const { start, end, v2, order } = queue[q];
    for (let p = start; p < end; ) {
      if (++seen > MAX_MESSAGES) return null;
      const head = v2 ? 4 + order : 8;
      if (p + head > end) break; // a gap at the end of a block
      const kind = v2 ? view.getUint8(p) : view.getUint16(p, true);
      const size = view.getUint16(p + (v2 ? 1 : 2), true);
      const data = p + head;
      if (data + size > end) return null;
      if (kind === type) return { at: data, size };
      if (kind === CONTINUATION_MESSAGE && size >= 16) {
        const offset = Number(view.getBigUint64(data, true));
        const length = Number(view.getBigUint64(data + 8, true));
        const block = continuation(view, offset, length, v2, order);
        if (block === null) return null;
        queue.push(block);
      }
      p = data + size;
    }
  }
  return null;
}

interface Block {
  start: number;
  end: number;
  v2: boolean;
  /** Bytes of creation order in each message's header (version 2, when the header tracks it). */
  order: number;
}

/** The messages of an object header's first block: version 1 (16-byte prefix) or 2 ("OHDR"). */
function firstBlock(view: DataView, at: number): Block | null {
  if (at + 16 > view.byteLength) return null;
  if (view.getUint8(at) === 1) {
    const start = at + 16;
    return within(view, { start, end: start + view.getUint32(at + 8, true), v2: false, order: 0 });
  }
  if (view.getUint32(at, false) !== 0x4f484452 || view.getUint8(at + 4) !== 2) return null; // "OHDR"
  const flags = view.getUint8(at + 5);
  let p = at + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
  const width = 1 << (flags & 0x03);
  if (p + width > view.byteLength) return null;
  const size = width === 8 ? Number(view.getBigUint64(p, true)) : width === 4 ? view.getUint32(p, true) : width === 2 ? view.getUint16(p, true) : view.getUint8(p);
  p += width;
  return within(view, { start: p, end: p + size, v2: true, order: flags & 0x04 ? 2 : 0 });
}

/** A continuation block: raw messages (version 1), or "OCHK", messages and a checksum (version 2). */
function continuation(view: DataView, offset: number, length: number, v2: boolean, order: number): Block | null {
  if (!v2) return within(view, { start: offset, end: offset + length, v2, order });
  if (offset + 8 > view.byteLength || view.getUint32(offset, false) !== 0x4f43484b) return null; // "OCHK"
  return within(view, { start: offset + 4, end: offset + length - 4, v2, order });
}

function within(view: DataView, block: Block): Block | null {
  return block.start <= block.end && block.end <= view.byteLength ? block : null;
}
