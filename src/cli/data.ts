/** Reading --data inputs, with every problem reported against the file it comes from. */
import { toMatrix, type HostArray2D } from '../data/matrix.js';
import { expandInputs, parseDataSpec, readData, type DataSpec } from '../io/data/read.js';
import { CliError, about } from './errors.js';
import { LocalShards } from '../machines/shards.js';

export interface Samples {
  spec: DataSpec;
  data: HostArray2D;
}

/** The inputs of --data, each folder replaced by its data files. */
export async function dataSpecs(inputs: string[]): Promise<DataSpec[]> {
  const lists = [];
  for (const input of inputs) lists.push(await about(input, async () => expandInputs([input])));
  return lists.flat();
}

/** Reads and checks one input (2-D, non-empty, finite), so that bad data fails before any work. */
export async function loadSamples(spec: DataSpec): Promise<Samples> {
  return about(spec.file, async () => {
    const data = await readData(spec);
    await toMatrix(data, 'data');
    return { spec, data };
  });
}

export async function loadOne(input: string): Promise<Samples> {
  return loadSamples(await about(input, async () => parseDataSpec(input)));
}

/** Checked before any machine is built: a machine of k Gaussians allocates k-sized arrays. */
export function assertClusters(option: string, k: number, nSamples: number, subject: string): void {
  if (k > nSamples) throw new CliError(option, `${k} is more than the ${nSamples} samples of ${subject}`);
}

/** The inputs of --data as one data set: one shard per file, folders expanded in name order. */
export interface DataSet {
  specs: DataSpec[];
  /** What errors are reported against: the file, or the inputs as given. */
  subject: string;
}

export async function dataSet(inputs: string[]): Promise<DataSet> {
  const specs = await dataSpecs(inputs);
  return { specs, subject: specs.length === 1 ? specs[0].file : inputs.join(' ') };
}

/** Reads every shard of the data set (each checked as one input is) and holds them as local shards. */
export async function loadShards(set: DataSet, chunkSize: number | undefined): Promise<LocalShards> {
  const matrices: HostArray2D[] = [];
  for (const spec of set.specs) {
    const { data } = await loadSamples(spec);
    const first = matrices[0]?.shape[1];
    if (first !== undefined && data.shape[1] !== first) {
      throw new CliError(spec.file, `has ${data.shape[1]} features per sample; ${set.specs[0].file} has ${first}`);
    }
    matrices.push(data);
  }
  return about(set.subject, () => LocalShards.of(matrices, chunkSize));
}
