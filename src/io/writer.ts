/**
 * Dataset writers giving the dtypes h5py gives for bob's Python values: int -> int64,
 * float -> float64, str -> variable-length UTF-8 string, numpy float arrays -> float64.
 * Scalars get a scalar dataspace (shape []), as h5py writes them.
 */
import type { H5File, H5Group } from './h5.js';

type Target = H5File | H5Group;

export function writeHeader(file: Target, writerClass: string): void {
  file.create_attribute('file_version', '1.0', [], 'S');
  file.create_attribute('writer_class', writerClass, [], 'S');
}

export function writeInteger(target: Target, name: string, value: number): void {
  target.create_dataset({ name, data: BigInt64Array.of(BigInt(value)), shape: [], dtype: '<q' });
}

export function writeNumber(target: Target, name: string, value: number): void {
  target.create_dataset({ name, data: Float64Array.of(value), shape: [], dtype: '<d' });
}

export function writeString(target: Target, name: string, value: string): void {
  target.create_dataset({ name, data: value, shape: [], dtype: 'S' });
}

/**
 * h5py stores a bool as an enum {FALSE: 0, TRUE: 1} over int8, which h5wasm cannot create.
 * We store the same byte as a plain int8 0/1: h5py then reads numpy.int8, which works wherever
 * bob tests the flag for truth (see docs/hdf5.md).
 */
export function writeBoolean(target: Target, name: string, value: boolean): void {
  target.create_dataset({ name, data: Int8Array.of(value ? 1 : 0), shape: [], dtype: '<b' });
}

export function writeArray(target: Target, name: string, data: Float64Array, shape: number[]): void {
  target.create_dataset({ name, data, shape, dtype: '<d' });
}
