/** The page's files as library objects; every failure names the file. */
import { GMMMachine, TfjsEmError, type HostArray2D } from '../../src/index.js';
import { parseNpy } from '../../src/io/data/npy.js';
import { TextMatrixParser } from '../../src/io/data/csv.js';
import { InputError, NeedsUbmError, messageOf } from './messages.js';

export { InputError, NeedsUbmError, messageOf };

export interface Features {
  name: string;
  data: HostArray2D;
}

/** Reading a file piece by piece: `piece` gets each in turn, `between` runs after each (progress, cancel). */
export interface PieceReader {
  between(done: number, total: number): Promise<void>;
}

/** The file's bytes as a stream, each piece handed on in order, `between` called after each. */
async function eachPiece(file: File, reader: PieceReader, piece: (bytes: Uint8Array) => void): Promise<void> {
  const stream = file.stream().getReader();
  let done = 0;
  for (;;) {
    const next = await stream.read();
    if (next.done) break;
    piece(next.value);
    done += next.value.length;
    await reader.between(done, file.size).catch(async (error: unknown) => {
      await stream.cancel();
      throw error;
    });
  }
}

/** The file's text, one complete line batch per piece (the last line may end without a newline). */
export async function eachLines(file: File, reader: PieceReader, lines: (batch: string[]) => void): Promise<void> {
  const decoder = new TextDecoder();
  let rest = '';
  await eachPiece(file, reader, (bytes) => {
    let text = rest + decoder.decode(bytes, { stream: true });
    // A piece may end between a CR and its LF: that line waits for the next piece, CR and all.
    const cr = text.endsWith('\r') ? '\r' : '';
    if (cr) text = text.slice(0, -1);
    const batch = text.split(/\r\n|\r|\n/);
    rest = batch.pop()! + cr;
    lines(batch);
  });
  const last = rest + decoder.decode();
  lines(last.split(/\r\n|\r|\n/));
}

/**
 * Features from a .npy or .csv/.txt file, read as a stream (progress and cancel between pieces,
 * text parsed as it arrives), every value checked finite: a sample and feature counted from 1.
 */
export async function readFeatures(file: File, reader: PieceReader): Promise<Features> {
  const name = file.name;
  const extension = name.slice(name.lastIndexOf('.')).toLowerCase();
  let data: HostArray2D;
  try {
    if (extension === '.npy') {
      const bytes = new Uint8Array(file.size);
      let at = 0;
      await eachPiece(file, reader, (piece) => (bytes.set(piece, at), (at += piece.length)));
      data = parseNpy(bytes, name);
    } else if (extension === '.csv' || extension === '.txt') {
      const parser = new TextMatrixParser(name);
      await eachLines(file, reader, (lines) => parser.add(lines));
      data = parser.finish();
    } else throw new InputError(`${name}: features must be a .npy or .csv file`);
  } catch (error) {
    throw error instanceof TfjsEmError ? new InputError(messageOf(error)) : error;
  }
  const bad = data.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const d = data.shape[1];
    const [row, column] = [Math.floor(bad / d), bad % d];
    throw new InputError(`${name}: sample ${row + 1} holds ${data.data[bad]} in feature ${column + 1} (both counted from 1); only finite values can be scored`);
  }
  return { name, data };
}

/**
 * A GMMMachine from the bytes of a .h5 file. The UBM is only used for a MAP-adapted model
 * (trainer 'map'), which needs it to load, as in bob.learn.em; an ML model may be scored
 * against a UBM of any size.
 */
export async function readModel(name: string, bytes: Uint8Array, ubm: GMMMachine | null): Promise<GMMMachine> {
  try {
    return await GMMMachine.fromHDF5(bytes);
  } catch (error) {
    const message = messageOf(error).replace('(HDF5 bytes)', name);
    if (!/UBM is needed/.test(message)) throw new InputError(message.startsWith(name) ? message : `${name}: ${message}`);
    if (ubm === null) throw new NeedsUbmError(`${name} is a MAP-adapted model: load its UBM as well.`);
  }
  try {
    return await GMMMachine.fromHDF5(bytes, ubm);
  } catch (error) {
    throw new InputError(`${name} (with the UBM): ${messageOf(error)}`);
  }
}
