import { TfjsEmError } from '../../errors.js';

/** A FILE_FORMAT error naming the file first, as the HDF5 layer does: "<file>: <problem>". */
export function dataError(file: string, problem: string): TfjsEmError {
  return new TfjsEmError('FILE_FORMAT', `${file}: ${problem}`);
}
