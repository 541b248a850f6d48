/** Typed, validated reads of datasets and attributes; every failure is a FILE_FORMAT error naming file and dataset. */
import { TfjsEmError } from '../errors.js';
import type { H5Group, H5Lib } from './h5.js';

type H5Dataset = InstanceType<H5Lib['Dataset']>;

/** HDF5 datatype classes (H5T_class_t). */
const INTEGER = 0;
const FLOAT = 1;
const STRING = 3;
const ENUM = 8;

export interface ArrayValue {
  data: Float64Array;
  shape: number[];
}

export class H5Reader {
  /** file: the file, or a group of it read as a file of its own (an i-vector file's UBM). */
  constructor(
    private readonly file: H5Group,
    readonly name: string,
  ) {}

  fail(message: string): TfjsEmError {
    return new TfjsEmError('FILE_FORMAT', `${this.name}: ${message}`);
  }

  has(path: string): boolean {
    return this.file.get(path) !== null;
  }

  keys(): string[] {
    return this.file.keys();
  }

  /** A root string attribute, or undefined when absent. */
  attribute(name: string): string | undefined {
    if (!(name in this.file.attrs)) return undefined;
    const value = this.file.attrs[name].value;
    if (typeof value !== 'string') throw this.fail(`attribute ${name} is not a string`);
    return value;
  }

  string(path: string): string {
    const dataset = this.dataset(path);
    const value = dataset.value;
    if (dataset.metadata.type !== STRING || typeof value !== 'string') throw this.fail(`dataset ${path} is not a string`);
    return value;
  }

  /** A finite number; legacy files store scalars as one-element arrays, so shape [1] is accepted too. */
  number(path: string): number {
    return this.array(path, [1], true).data[0];
  }

  integer(path: string): number {
    const value = this.number(path);
    if (!Number.isSafeInteger(value)) throw this.fail(`dataset ${path} holds ${value}, not an integer`);
    return value;
  }

  /** h5py writes booleans as an enum {FALSE: 0, TRUE: 1}; plain integers 0/1 are accepted too. */
  boolean(path: string): boolean {
    const dataset = this.dataset(path);
    const value = this.scalar(dataset, path, [INTEGER, ENUM]);
    if (value !== 0 && value !== 1) throw this.fail(`dataset ${path} holds ${value}, not a boolean (0 or 1)`);
    return value === 1;
  }

  /**
   * A finite numeric array. With `shape`, its shape must equal it; with `sizeOnly`, only the
   * element count must match (bob reshapes legacy arrays).
   */
  array(path: string, shape?: number[], sizeOnly = false): ArrayValue {
    const dataset = this.dataset(path);
    const found = this.shapeOf(dataset, path);
    if (shape && !matches(found, shape, sizeOnly)) {
      throw this.fail(`dataset ${path} has shape [${found}], expected [${shape}]`);
    }
    const data = this.numbers(dataset, path, [INTEGER, FLOAT]);
    if (!data.every(Number.isFinite)) throw this.fail(`dataset ${path} holds non-finite values`);
    return { data, shape: found };
  }

  private dataset(path: string): H5Dataset {
    const entity = this.file.get(path);
    if (entity === null) throw this.fail(`dataset ${path} is missing`);
    const type = (entity as { type?: string }).type;
    if (type !== 'Dataset') throw this.fail(`${path} is a ${type ?? 'reference'}, not a dataset`);
    return entity as H5Dataset;
  }

  private shapeOf(dataset: H5Dataset, path: string): number[] {
    const shape = dataset.shape;
    if (shape === null) throw this.fail(`dataset ${path} is empty (null dataspace)`);
    return shape;
  }

  private scalar(dataset: H5Dataset, path: string, classes: number[]): number {
    const shape = this.shapeOf(dataset, path);
    if (!matches(shape, [1], true)) throw this.fail(`dataset ${path} has shape [${shape}], expected a scalar`);
    return this.numbers(dataset, path, classes)[0];
  }

  private numbers(dataset: H5Dataset, path: string, classes: number[]): Float64Array {
    if (!classes.includes(dataset.metadata.type)) throw this.fail(`dataset ${path} is not numeric`);
    const value = dataset.value;
    if (typeof value === 'number' || typeof value === 'bigint') return Float64Array.of(Number(value));
    if (ArrayBuffer.isView(value)) return Float64Array.from(value as ArrayLike<number | bigint>, Number);
    throw this.fail(`dataset ${path} holds no numbers`);
  }
}

function matches(found: number[], expected: number[], sizeOnly: boolean): boolean {
  if (sizeOnly) return size(found) === size(expected);
  return found.length === expected.length && found.every((n, i) => n === expected[i]);
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
