/** The page's files as library objects; every failure names the file. */
import { GMMMachine, type HostArray2D } from '../../src/index.js';
import { parseNpy } from '../../src/io/data/npy.js';
import { parseText } from '../../src/io/data/csv.js';
import { InputError, NeedsUbmError, messageOf } from './messages.js';

export { InputError, NeedsUbmError, messageOf };

export interface Features {
  name: string;
  data: HostArray2D;
}

export async function readFeatures(file: File): Promise<Features> {
  const name = file.name;
  const extension = name.slice(name.lastIndexOf('.')).toLowerCase();
  try {
    if (extension === '.npy') return { name, data: parseNpy(new Uint8Array(await file.arrayBuffer()), name) };
    if (extension === '.csv' || extension === '.txt') return { name, data: parseText(await file.text(), name) };
  } catch (error) {
    throw new InputError(messageOf(error));
  }
  throw new InputError(`${name}: features must be a .npy or .csv file`);
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
