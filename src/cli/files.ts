/** Files the commands read and write: checks made before any work starts, and loading with errors naming the file. */
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { GMMMachine } from '../machines/GMMMachine.js';
import { readGMMFile } from '../io/index.js';
import { withReadFile } from '../io/h5file.js';
import { type FileKind, kindOfKeys } from '../io/kind.js';
import { CliError, about } from './errors.js';

export function assertInputFile(file: string): void {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw new CliError(file, 'no such file');
  }
  if (!stat.isFile()) throw new CliError(file, 'not a file');
}

/**
 * Fails early (before hours of training) when --out cannot be written where asked: its folder
 * must exist and take a new file, and --out must not be a link, a device, a FIFO or one of
 * the `inputs` (data specs or files). A symbolic link is refused rather than followed or replaced.
 */
export function assertOutputFile(out: string, inputs: (string | undefined)[] = []): void {
  const dir = path.dirname(out);
  if (!isDirectory(dir)) throw new CliError(out, `directory ${dir} does not exist`);
  const existing = lstatOrNull(out);
  if (existing?.isDirectory()) throw new CliError(out, 'is a directory; --out names the file to write');
  if (existing?.isSymbolicLink()) throw new CliError(out, 'is a symbolic link; --out replaces a regular file only (give the path it points to)');
  if (existing && !existing.isFile()) throw new CliError(out, 'is not a regular file (a device, FIFO or socket); --out replaces a regular file only');
  if (existing) {
    const input = inputs.find((spec) => spec !== undefined && sameFile(existing, inputFile(spec)));
    if (input !== undefined) throw new CliError(out, `is also the input ${input}; write the result to another file`);
  }
  assertCreatable(dir, out);
}

/** Creates and removes a probe file: permissions, a read-only mount or a full quota show here, not after training. */
function assertCreatable(dir: string, out: string): void {
  const probe = path.join(dir, `.${path.basename(out)}.${process.pid}.probe`);
  try {
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    throw new CliError(out, `cannot write in ${dir}${code ? ` (${code})` : ''}`);
  }
}

/** The file of a data spec ("x.h5:/group/data" -> "x.h5"). */
function inputFile(spec: string): string {
  return /^(.*\.(?:h5|hdf5|hdf)):\/.*$/i.exec(spec)?.[1] ?? spec;
}

function sameFile(a: Stats, file: string): boolean {
  try {
    const b = statSync(file);
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

export function assertOutputFolder(out: string): void {
  const dir = path.dirname(path.resolve(out));
  if (!isDirectory(dir)) throw new CliError(out, `directory ${dir} does not exist`);
  if (existsSync(out) && !isDirectory(out)) throw new CliError(out, 'is a file; a folder is needed here');
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A model file's parameters. Scoring, statistics and the prior of MAP need nothing else, so a
 * MAP model is read as a plain machine, without the UBM that training it needed.
 */
export async function loadGMM(file: string): Promise<GMMMachine> {
  assertInputFile(file);
  return about(file, async () => GMMMachine.fromRecord({ ...(await readGMMFile(file)), trainer: 'ml' }));
}

/**
 * What an HDF5 file holds, decided from its datasets as the readers do, and its layout
 * version (null: bob's legacy layout, which has no file_version attribute).
 */
export async function fileKind(file: string): Promise<{ kind: FileKind; version: string | null }> {
  assertInputFile(file);
  const { keys, version } = await about(file, () =>
    withReadFile(file, (h5) => ({ keys: h5.keys(), version: 'file_version' in h5.attrs ? String(h5.attrs.file_version.value) : null })),
  );
  const kind = kindOfKeys(keys);
  if (kind === undefined) throw new CliError(file, `not a model, statistics, k-means, i-vector, ISV or JFA file (it holds: ${keys.join(', ') || 'nothing'})`);
  return { kind, version };
}

/** Throws unless the data has the model's number of features. */
export function assertFeatures(dataName: string, dataFeatures: number, modelName: string, modelFeatures: number): void {
  if (dataFeatures !== modelFeatures) {
    throw new CliError(dataName, `${dataFeatures} features per sample, but ${modelName} has ${modelFeatures}`);
  }
}

/** Folders being written, removed if the process is stopped hard (second Ctrl-C). */
export const stagingFolders = new Set<string>();

/**
 * Writes a folder of outputs all-or-nothing: everything goes into a hidden staging folder
 * beside `out`, which becomes `out` (or is merged into an existing `out`) only once every
 * file is written. On failure the staging folder is removed and `out` is left as it was.
 */
export async function writeFolder<T>(out: string, write: (dir: string) => Promise<T>): Promise<T> {
  const staging = path.join(path.dirname(path.resolve(out)), `.${path.basename(out)}.${process.pid}-${Date.now().toString(36)}.tmp`);
  mkdirSync(staging);
  stagingFolders.add(staging);
  try {
    const result = await write(staging);
    publish(staging, out);
    return result;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    stagingFolders.delete(staging);
  }
}

function publish(staging: string, out: string): void {
  if (!existsSync(out)) {
    renameSync(staging, out);
    return;
  }
  for (const entry of readdirSync(staging)) {
    const target = path.join(out, entry);
    if (isDirectory(target)) rmSync(target, { recursive: true });
    renameSync(path.join(staging, entry), target);
  }
}
