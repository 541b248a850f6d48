import { TfjsEmError } from '../../errors.js';

/**
 * A FILE_FORMAT error naming the file first, as the HDF5 layer does: "<file>: <problem>";
 * `withoutValues`: the problem without the file's content it quotes (see TfjsEmError).
 */
export function dataError(file: string, problem: string, withoutValues = problem): TfjsEmError {
  return new TfjsEmError('FILE_FORMAT', `${file}: ${problem}`, undefined, `${file}: ${withoutValues}`);
}
