/** Statistics files under a UBM, as the i-vector and linear-scoring commands take them. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { GMMStats } from '../machines/GMMStats.js';
import type { GMMMachine } from '../machines/GMMMachine.js';
import { CliError, about } from './errors.js';
import { assertInputFile, isDirectory } from './files.js';

/** The files given, a folder standing for its .h5 files in name order. */
export function h5Files(inputs: string[]): string[] {
  return inputs.flatMap((input) => {
    if (!isDirectory(input)) return [input];
    const found = readdirSync(input).filter((f) => /\.(h5|hdf5)$/i.test(f)).sort().map((f) => path.join(input, f));
    if (found.length === 0) throw new CliError(input, 'holds no .h5 files');
    return found;
  });
}

/** Each file's statistics, checked against the UBM: its shape, and the model they name when they name one. */
export async function loadStatsOf(files: string[], ubm: GMMMachine, ubmFile: string, signal?: AbortSignal): Promise<GMMStats[]> {
  const hash = ubm.parameterHash();
  const out: GMMStats[] = [];
  for (const file of files) {
    assertInputFile(file);
    const stats = await about(file, () => GMMStats.fromHDF5(file));
    if (stats.nGaussians !== ubm.nGaussians || stats.nFeatures !== ubm.nFeatures) {
      throw new CliError(file, `holds statistics of shape [${stats.shape}]; the UBM of ${ubmFile} has [${ubm.shape}]`);
    }
    if (stats.model !== undefined && stats.model !== hash) throw new CliError(file, `holds statistics of another model than the UBM of ${ubmFile}: run tfjs-em stats with that UBM`);
    out.push(stats);
    signal?.throwIfAborted();
  }
  return out;
}
