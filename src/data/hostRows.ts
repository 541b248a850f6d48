/**
 * Small float64 matrices given on the host (score matrices, i-vectors, features of the linear
 * machines): rows of numbers, or row-major values with their shape; checked finite.
 */
import { invalidArgument } from '../errors.js';

export type HostRowsInput = number[][] | { data: ArrayLike<number>; shape: [number, number] | number[] };

export interface HostRows {
  data: Float64Array;
  shape: [number, number];
}

/** A copy of x as float64 rows; `name` names it in errors. */
export function hostRows(x: HostRowsInput, name: string): HostRows {
  let data: Float64Array;
  let shape: [number, number];
  if (Array.isArray(x)) {
    const columns = x.length === 0 ? 0 : (x[0]?.length ?? -1);
    if (!x.every((row) => Array.isArray(row) && row.length === columns)) throw invalidArgument(`${name} must be rows of numbers of one length`);
    data = Float64Array.from(x.flat());
    shape = [x.length, columns];
  } else if (x !== null && typeof x === 'object' && Array.isArray(x.shape) && x.shape.length === 2) {
    shape = [x.shape[0], x.shape[1]];
    if (!shape.every((s) => Number.isInteger(s) && s >= 0) || x.data?.length !== shape[0] * shape[1]) {
      throw invalidArgument(`${name}: ${x.data?.length} values do not fill its shape [${x.shape}]`);
    }
    data = Float64Array.from(x.data);
  } else {
    throw invalidArgument(`${name} must be rows of numbers, or { data, shape: [rows, columns] }`);
  }
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw invalidArgument(`${name} holds ${data[bad]} at row ${Math.floor(bad / shape[1])}, column ${bad % shape[1]}`);
  return { data, shape };
}
