import * as tf from '@tensorflow/tfjs-core';
import { TfjsEmError, invalidArgument } from '../errors.js';
import type { StoredRows } from '../../kernels/host/hostEngine.js';

/** A row-major matrix on the host: data.length === shape[0] * shape[1]. */
export interface HostArray2D {
  data: Float32Array | Float64Array;
  shape: [number, number];
}

/**
 * Samples produced on demand, chunk by chunk (a file read in pieces, a generator):
 * read(start, end) returns rows [start, end) row-major. Nothing bounds nSamples but time.
 */
export interface RowSource {
  readonly nSamples: number;
  readonly nFeatures: number;
  read(start: number, end: number): Float32Array | Float64Array;
}

/** What the library accepts as samples: one row per sample; a single sample may be one row. */
export type DataInput = tf.Tensor2D | tf.Tensor1D | number[][] | number[] | HostArray2D | RowSource;

/**
 * Samples as the math sees them: read in chunks of rows, each shifted by a
 * reference point before it is squared anywhere (the shift is applied in
 * float64 on the host when the data lives there).
 */
export interface Matrix {
  readonly nSamples: number;
  readonly nFeatures: number;
  /** Rows [start, end) minus shift, as a float32 device tensor the caller disposes. */
  chunk(start: number, end: number, shift: Float64Array): tf.Tensor2D;
  /**
   * Rows [start, end) as the host stores them, for a host kernel that centres them itself; the
   * same errors as chunk for rows beyond FLOAT32_REACH of the shift. Absent where the rows live
   * on a device.
   */
  storedRows?(start: number, end: number, shift: Float64Array): StoredRows;
  /** The given rows, float64 on the host, row-major. */
  rows(indices: number[]): Promise<Float64Array>;
  /** Each sample's weight ([nSamples]: it counts that many times), or null: each counts once. */
  readonly sampleWeight?: Float64Array | null;
}

/**
 * x with per-sample weights: finite, >= 0, one per sample and not all 0 (INVALID_DATA
 * otherwise). Integer weights stand for repeated samples, 0 for a left-out one.
 */
export function withSampleWeight(x: Matrix, weights: ArrayLike<number> | null | undefined, name = 'sampleWeight'): Matrix {
  if (weights === undefined || weights === null) return x;
  const w = checkedWeights(weights, x.nSamples, name);
  const stored = x.storedRows?.bind(x);
  return { nSamples: x.nSamples, nFeatures: x.nFeatures, sampleWeight: w, chunk: (s, e, shift) => x.chunk(s, e, shift), storedRows: stored, rows: (i) => x.rows(i) };
}

/** Weights as withSampleWeight takes them, copied into float64. */
export function checkedWeights(weights: ArrayLike<number>, n: number, name = 'sampleWeight'): Float64Array {
  if (weights === null || typeof weights !== 'object' || typeof weights.length !== 'number') {
    throw invalidArgument(`${name} must be an array of numbers, one per sample`);
  }
  if (weights.length !== n) throw invalidData(`${name} has ${weights.length} values; the data have ${n} samples`);
  const w = Float64Array.from(weights);
  const bad = w.findIndex((v) => !(v >= 0 && v <= 3.4028234663852886e38));
  if (bad >= 0) throw invalidData(`${name} must be finite and >= 0; weight ${bad} is ${weights[bad]}`);
  if (!w.some((v) => v > 0)) throw invalidData(`${name} is 0 for every sample: nothing to fit`);
  return w;
}

/** The total weight of rows [start, end): their count, when unweighted. */
export function weightOf(x: Pick<Matrix, 'sampleWeight'>, start: number, end: number): number {
  if (!x.sampleWeight) return end - start;
  let s = 0;
  for (let i = start; i < end; i++) s += x.sampleWeight[i];
  return s;
}

/**
 * How far from the shift a value may lie: the device squares differences of such values and sums
 * them over features, and float32 holds squares up to 3.4e38 only.
 */
export const FLOAT32_REACH = 1e18;

/**
 * out[i, j] = data[from + i d + j] - shift[j] for out's rows, in float64 before the rounding to
 * float32; a value beyond FLOAT32_REACH of the shift is an error naming its row (firstRow + i).
 */
function centreRows(data: Float32Array | Float64Array, from: number, out: Float32Array, shift: Float64Array, firstRow: number): void {
  const d = shift.length;
  for (let o = 0, i = from; o < out.length; o += d, i += d) {
    for (let j = 0; j < d; j++) {
      const y = data[i + j] - shift[j];
      if (!(Math.abs(y) <= FLOAT32_REACH)) throw outOfReach(data[i + j], shift[j], firstRow + o / d, j);
      out[o + j] = y;
    }
  }
}

/** Throws centreRows' error for the first value of data's rows beyond FLOAT32_REACH of the shift. */
function checkReach(data: Float32Array | Float64Array, shift: Float64Array, firstRow: number): void {
  const d = shift.length;
  for (let i = 0; i < data.length; i += d) {
    for (let j = 0; j < d; j++) {
      if (!(Math.abs(data[i + j] - shift[j]) <= FLOAT32_REACH)) throw outOfReach(data[i + j], shift[j], firstRow + i / d, j);
    }
  }
}

function outOfReach(value: number, centre: number, row: number, column: number): TfjsEmError {
  const limit = `float32 devices square distances up to ${FLOAT32_REACH.toExponential(0)} only; remove or rescale that row`;
  return invalidData(
    `row ${row}, column ${column} holds ${value}, ${Math.abs(value - centre).toExponential(2)} from the model's centre (${centre}): ${limit}`,
    `row ${row}, column ${column} lies too far from the model's centre: ${limit}`,
  );
}

class HostMatrix implements Matrix {
  constructor(
    private readonly data: Float32Array | Float64Array,
    readonly nSamples: number,
    readonly nFeatures: number,
    /** The number of data[0]'s row in the data set, for messages. */
    private readonly firstRow = 0,
  ) {}

  chunk(start: number, end: number, shift: Float64Array): tf.Tensor2D {
    const d = this.nFeatures;
    const out = new Float32Array((end - start) * d);
    centreRows(this.data, start * d, out, shift, start + this.firstRow);
    return tf.tensor2d(out, [end - start, d], 'float32');
  }

  storedRows(start: number, end: number, shift: Float64Array): StoredRows {
    const d = this.nFeatures;
    if (!this.withinReach(shift)) checkReach(this.data.subarray(start * d, end * d), shift, start + this.firstRow);
    return { data: this.data, from: start, owner: this };
  }

  async rows(indices: number[]): Promise<Float64Array> {
    const d = this.nFeatures;
    const out = new Float64Array(indices.length * d);
    indices.forEach((r, i) => out.set(this.data.subarray(r * d, (r + 1) * d), i * d));
    return out;
  }

  /** Each feature's smallest and largest value, [2, D], found once: the data do not change while this matrix lives. */
  private range: Float64Array | null = null;

  /** Whether every value lies within FLOAT32_REACH of the shift (from the features' ranges: no pass over the data). */
  private withinReach(shift: Float64Array): boolean {
    const d = this.nFeatures;
    if (this.range === null) {
      const range = new Float64Array(2 * d).fill(Infinity, 0, d).fill(-Infinity, d);
      for (let i = 0; i < this.data.length; i += d) {
        for (let j = 0; j < d; j++) {
          const v = this.data[i + j];
          if (v < range[j]) range[j] = v;
          if (v > range[d + j]) range[d + j] = v;
        }
      }
      this.range = range;
    }
    for (let j = 0; j < d; j++) {
      if (!(Math.abs(this.range[j] - shift[j]) <= FLOAT32_REACH && Math.abs(this.range[d + j] - shift[j]) <= FLOAT32_REACH)) return false;
    }
    return true;
  }
}

class SourceMatrix implements Matrix {
  readonly nSamples: number;
  readonly nFeatures: number;

  constructor(private readonly source: RowSource, private readonly name: string) {
    ({ nSamples: this.nSamples, nFeatures: this.nFeatures } = source);
  }

  chunk(start: number, end: number, shift: Float64Array): tf.Tensor2D {
    return new HostMatrix(this.read(start, end), end - start, this.nFeatures, start).chunk(0, end - start, shift);
  }

  storedRows(start: number, end: number, shift: Float64Array): StoredRows {
    const rows = this.read(start, end);
    checkReach(rows, shift, start);
    return { data: rows, from: 0, owner: null };
  }

  async rows(indices: number[]): Promise<Float64Array> {
    const d = this.nFeatures;
    const out = new Float64Array(indices.length * d);
    indices.forEach((r, i) => out.set(this.read(r, r + 1), i * d));
    return out;
  }

  /** The source's rows, checked as host arrays are (rows numbered from the source's start). */
  private read(start: number, end: number): Float32Array | Float64Array {
    const values = this.source.read(start, end);
    const d = this.nFeatures;
    if (values.length !== (end - start) * d) {
      throw invalidData(`${this.name}: read(${start}, ${end}) gave ${values.length} values, not ${(end - start) * d}`);
    }
    checkFinite(values, d, this.name, start);
    return values;
  }
}

class TensorMatrix implements Matrix {
  readonly nSamples: number;
  readonly nFeatures: number;

  constructor(private readonly x: tf.Tensor2D) {
    [this.nSamples, this.nFeatures] = x.shape;
  }

  chunk(start: number, end: number, shift: Float64Array): tf.Tensor2D {
    return tf.tidy(() =>
      tf.sub(tf.slice(this.x, [start, 0], [end - start, this.nFeatures]), tf.tensor1d(Float32Array.from(shift), 'float32')),
    );
  }

  async rows(indices: number[]): Promise<Float64Array> {
    const picked = tf.tidy(() => tf.gather(this.x, tf.tensor1d(indices, 'int32')));
    try {
      return Float64Array.from(await picked.data());
    } finally {
      picked.dispose();
    }
  }
}

function invalidData(message: string, withoutValues?: string): TfjsEmError {
  return new TfjsEmError('INVALID_DATA', message, undefined, withoutValues);
}

function checkFinite(values: ArrayLike<number>, nFeatures: number, name: string, firstRow = 0): void {
  for (let i = 0; i < values.length; i++) {
    if (!(Math.abs(values[i]) <= 3.4028234663852886e38)) { // finite once float32 on the device
      const row = Math.floor(i / nFeatures);
      const where = `row ${firstRow + row}, column ${i - row * nFeatures}`;
      throw invalidData(`${name} holds ${values[i]} at ${where}`, `${name} holds a value that is not a finite float32 at ${where}`);
    }
  }
}

function fromRows(rows: number[][], name: string): HostMatrix {
  const d = rows[0].length;
  const data = new Float64Array(rows.length * d);
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== d) {
      throw invalidData(`${name}: row ${i} has ${Array.isArray(row) ? row.length : 'no'} values, row 0 has ${d}`);
    }
    data.set(row, i * d);
  });
  return new HostMatrix(data, rows.length, d);
}

/** Rows as a data set stores them, for the host kernels (defined beside them, kernels/host/hostEngine.ts). */
export type { StoredRows };

/**
 * Checks and wraps samples: they must be 2-D (or one sample), non-empty and finite.
 * A tensor stays on the device; its finiteness is checked there.
 */
export async function toMatrix(input: DataInput, name = 'data'): Promise<Matrix> {
  let matrix: Matrix;
  if (input instanceof tf.Tensor) {
    if (input.rank !== 1 && input.rank !== 2) {
      throw invalidData(`${name} must be 2-D [nSamples, nFeatures]; got a tensor of shape [${input.shape}]`);
    }
    if (input.rank === 1) return toMatrix({ data: Float64Array.from(await input.data()), shape: [1, input.shape[0]] }, name);
    if (input.size === 0) throw invalidData(`${name} has no ${input.shape[0] === 0 ? 'samples' : 'features'}`); // wasm: any([]) is true
    const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(input))));
    const hasBad = (await bad.data())[0];
    bad.dispose();
    if (hasBad) throw invalidData(`${name} holds NaN or Inf values`);
    matrix = new TensorMatrix(input as tf.Tensor2D);
  } else if (Array.isArray(input)) {
    if (input.length === 0) throw invalidData(`${name} has no samples`);
    matrix = Array.isArray(input[0]) ? fromRows(input as number[][], name) : fromRows([input as number[]], name);
    checkFinite((matrix as HostMatrix)['data'], matrix.nFeatures, name);
  } else if (isRowSource(input)) {
    const { nSamples: n, nFeatures: d } = input;
    if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 0) {
      throw invalidData(`${name}: a row source needs integer nSamples and nFeatures; got ${n} and ${d}`);
    }
    matrix = new SourceMatrix(input, name);
  } else if (input && (input.data instanceof Float32Array || input.data instanceof Float64Array)) {
    const [n, d] = input.shape ?? [];
    if (!Number.isInteger(n) || !Number.isInteger(d) || input.data.length !== n * d) {
      throw invalidData(`${name}: shape [${input.shape}] does not match ${input.data.length} values`);
    }
    checkFinite(input.data, d, name);
    matrix = new HostMatrix(input.data, n, d);
  } else {
    throw invalidArgument(`${name} must be a tf.Tensor2D, number[][] or { data: Float32Array | Float64Array, shape: [n, d] }`);
  }
  if (matrix.nSamples === 0) throw invalidData(`${name} has no samples`);
  if (matrix.nFeatures === 0) throw invalidData(`${name} has no features`);
  return matrix;
}

/** A Matrix as it is, or any other input checked and wrapped by toMatrix. */
export async function asMatrix(X: DataInput | Matrix): Promise<Matrix> {
  return X !== null && typeof X === 'object' && 'chunk' in X && typeof X.chunk === 'function'
    ? (X as Matrix)
    : toMatrix(X as DataInput);
}

function isRowSource(input: unknown): input is RowSource {
  return typeof (input as RowSource | undefined)?.read === 'function';
}

/** Throws unless the samples have the expected number of features. */
export function expectFeatures(matrix: Matrix, nFeatures: number, name = 'data'): void {
  if (matrix.nFeatures !== nFeatures) {
    throw new TfjsEmError(
      'SHAPE_MISMATCH',
      `${name} has ${matrix.nFeatures} features per sample; the model has ${nFeatures}`,
    );
  }
}

/** [start, end) row ranges of at most chunkRows rows. */
export function* chunkRanges(nSamples: number, chunkRows: number): Generator<[number, number]> {
  for (let start = 0; start < nSamples; start += chunkRows) yield [start, Math.min(nSamples, start + chunkRows)];
}
