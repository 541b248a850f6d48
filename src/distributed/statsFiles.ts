/** What a worker reads for the i-vector and ISV/JFA jobs: statistics files, checked against the run's UBM. */
import { TfjsEmError } from '../errors.js';
import type { GMMMachine } from '../machines/GMMMachine.js';
import { GMMStats } from '../machines/GMMStats.js';

export async function statsUnder(files: string[], ubm: GMMMachine, list: string): Promise<GMMStats[]> {
  if (files.length === 0) throw new TfjsEmError('INVALID_DATA', `${list}: names no statistics files`);
  const hash = ubm.parameterHash();
  const out: GMMStats[] = [];
  for (const file of files) {
    const s = await GMMStats.fromHDF5(file);
    if (s.nGaussians !== ubm.nGaussians || s.nFeatures !== ubm.nFeatures) {
      throw new TfjsEmError('SHAPE_MISMATCH', `${file}: holds statistics of shape [${s.shape}]; the UBM is [${ubm.shape}]`);
    }
    if (s.model !== undefined && s.model !== hash) throw new TfjsEmError('INVALID_DATA', `${file}: holds statistics of another model than the run's UBM`);
    out.push(s);
  }
  return out;
}
