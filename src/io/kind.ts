/** What kind of file an HDF5 file holds, and which layout version, so that a wrong file fails clearly. */
import type { H5Reader } from './reader.js';

export type FileKind = 'GMMMachine' | 'GMMStats' | 'KMeansMachine' | 'IVectorMachine' | 'ISVMachine' | 'JFAMachine' | 'ISVModel' | 'JFAModel';

/** Decided from the datasets at the file's root (current or legacy layout), not from writer_class, which bob only warns about. */
export function kindOfKeys(keys: string[]): FileKind | undefined {
  const has = (name: string) => keys.includes(name);
  if (has('m_T')) return 'IVectorMachine';
  if (has('U') && has('d')) return has('V') ? 'JFAMachine' : 'ISVMachine';
  if (has('z')) return has('y') ? 'JFAModel' : 'ISVModel';
  if (has('gaussians') || has('m_n_gaussians')) return 'GMMMachine';
  if (has('sumPx')) return 'GMMStats';
  if (has('centroids')) return 'KMeansMachine';
  return undefined;
}

export function expectKind(reader: H5Reader, expected: FileKind): void {
  const found = kindOfKeys(reader.keys());
  if (found === expected) return;
  const a = (kind: string) => `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`;
  if (found !== undefined) throw reader.fail(`this is ${a(found)} file, not ${a(expected)} file`);
  throw reader.fail(`not ${a(expected)} file (it holds: ${reader.keys().join(', ') || 'nothing'})`);
}

/** As bob's from_hdf5: no file_version attribute means the legacy (pre-1.0) layout. */
export function isLegacy(reader: H5Reader): boolean {
  const version = reader.attribute('file_version');
  if (version === undefined) return true;
  const major = /^(\d+)\.\d+$/.exec(version);
  if (!major) throw reader.fail(`unreadable file_version ${JSON.stringify(version)}`);
  // A later layout may move or reinterpret datasets: refused rather than misread.
  if (Number(major[1]) > 1) throw reader.fail(`file_version ${version} is a layout this version does not know (it reads 1.x and bob's legacy layout)`);
  return Number(major[1]) < 1;
}
