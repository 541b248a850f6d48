import h5wasm from 'h5wasm/node';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** bob.learn.em's test vectors, vendored in the repository (see their README). */
export const REFERENCE_DIR = path.resolve(process.cwd(), 'test/fixtures/bob.learn.em');

export function referencePath(file: string): string {
  return path.join(REFERENCE_DIR, file);
}

import type { Array64 } from './referenceCases.js';

/** h5wasm with HDF5's error stack thrown as a JS error instead of printed to stderr (as src/io/h5.ts does). */
const ready = h5wasm.ready.then((module) => module.activate_throwing_error_handler());

async function open(file: string) {
  await ready;
  const where = referencePath(file);
  if (!existsSync(where)) throw new Error(`reference file ${where} is missing`);
  return new h5wasm.File(where, 'r');
}

function toArray64(dataset: any): Array64 {
  const value = dataset.value;
  const data =
    typeof value === 'number' || typeof value === 'bigint'
      ? Float64Array.of(Number(value))
      : Float64Array.from(Array.from(value as ArrayLike<number | bigint>, Number));
  return { data, shape: dataset.shape as number[] };
}

/** The first dataset of a plain array file, with axes of size 1 dropped (as bob's tests read them). */
export async function readArray(file: string): Promise<Array64> {
  const f = await open(file);
  try {
    const a = toArray64(f.get(f.keys()[0]));
    return { data: a.data, shape: a.shape.filter((s) => s !== 1) };
  } finally {
    f.close();
  }
}

/** One dataset of a structured file (e.g. 'gaussians/means'). */
export async function readDataset(file: string, name: string): Promise<Array64> {
  const f = await open(file);
  try {
    return toArray64(f.get(name));
  } finally {
    f.close();
  }
}

/** Old Faithful, 272 x 2, float64. */
export async function faithful(): Promise<{ data: Float64Array; shape: [number, number] }> {
  const a = await readArray('faithful.torch3_f64.hdf5');
  return { data: a.data, shape: [a.shape[0], a.shape[1]] };
}
