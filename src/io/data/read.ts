/**
 * Sample files for the command line (Node): .npy, .csv / .txt, and HDF5 (`file.h5:/dataset`,
 * or `file.h5` when it holds one dataset). Several inputs or a folder give one matrix per file.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { HostArray2D } from '../../data/matrix.js';
import { parseNpy } from './npy.js';
import { parseText } from './csv.js';
import { readHdf5Dataset } from './hdf5.js';
import { dataError } from './fail.js';

export interface DataSpec {
  /** What the user wrote: the name used in messages and result rows. */
  spec: string;
  file: string;
  format: 'npy' | 'text' | 'hdf5';
  dataset?: string;
}

const HDF5 = /\.(h5|hdf5|hdf)$/i;
const EXTENSIONS: Record<string, DataSpec['format']> = { '.npy': 'npy', '.csv': 'text', '.txt': 'text' };

/** "x.npy", "x.csv", "x.h5", "x.h5:/group/data". */
export function parseDataSpec(spec: string): DataSpec {
  const inner = /^(.*\.(?:h5|hdf5|hdf)):(\/.*)$/i.exec(spec);
  if (inner) return { spec, file: inner[1], format: 'hdf5', dataset: inner[2] };
  if (HDF5.test(spec)) return { spec, file: spec, format: 'hdf5' };
  const format = EXTENSIONS[path.extname(spec).toLowerCase()];
  if (format === undefined) {
    throw dataError(spec, existsSync(spec) ? 'unknown data format: use .npy, .csv, .txt, or file.h5:/dataset' : 'no such file or folder');
  }
  return { spec, file: spec, format };
}

/** Inputs as given, with each folder replaced by its data files in name order. */
export function expandInputs(inputs: string[]): DataSpec[] {
  return inputs.flatMap((input) => (isFolder(input) ? folderFiles(input) : [parseDataSpec(input)]));
}

function isFolder(input: string): boolean {
  try {
    return statSync(input).isDirectory();
  } catch {
    return false;
  }
}

function folderFiles(folder: string): DataSpec[] {
  const names = readdirSync(folder)
    .filter((name) => HDF5.test(name) || path.extname(name).toLowerCase() in EXTENSIONS)
    .sort();
  if (names.length === 0) throw dataError(folder, 'the folder holds no .npy, .csv, .txt or .h5 files');
  return names.map((name) => parseDataSpec(path.join(folder, name)));
}

export async function readData(spec: DataSpec): Promise<HostArray2D> {
  assertFile(spec.file);
  if (spec.format === 'hdf5') return readHdf5Dataset(spec.file, spec.dataset);
  const bytes = readFileSync(spec.file);
  return spec.format === 'npy' ? parseNpy(bytes, spec.file) : parseText(bytes.toString('utf8'), spec.file);
}

function assertFile(file: string): void {
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw dataError(file, 'no such file');
  }
  if (!isFile) throw dataError(file, 'not a file');
}

/** A short name for result rows and output files: the file name without its extension (plus the dataset). */
export function baseName(spec: DataSpec): string {
  const stem = path.basename(spec.file).replace(/\.[^.]+$/, '');
  return spec.dataset ? `${stem}${spec.dataset.replace(/\//g, '_')}` : stem;
}
