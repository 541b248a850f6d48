/** Reading --data inputs, with every problem reported against the file it comes from. */
import { checkedWeights, toMatrix, type HostArray2D } from '../data/matrix.js';
import { TfjsEmError } from '../errors.js';
import type { Args } from './args.js';
import { expandInputs, parseDataSpec, readData, type DataSpec } from '../io/data/read.js';
import { CliError, about } from './errors.js';
import { LocalShards } from '../machines/shards.js';

export interface Samples {
  spec: DataSpec;
  data: HostArray2D;
  /** Each sample's weight (--weights), or null. */
  weights: Float64Array | null;
}

/** --weights FILE [FILE...]: one weight per sample, one file per data file (folders expanded alike). */
export const WEIGHT_OPTIONS = { weights: 'values' } as const;
export const WEIGHT_USAGE = `  --weights W [W...]   each sample's weight (>= 0; .npy or .csv, one value per row), one file per
                       data file in the same order (folders alike): a sample counts that many times`;

/** The weight files of --weights, one per data file, or null without the option. */
export async function weightSpecs(args: Args, data: DataSpec[]): Promise<DataSpec[] | null> {
  const inputs = args.list('weights');
  if (inputs === undefined) return null;
  const specs = await dataSpecs(inputs);
  if (specs.length !== data.length) throw new CliError('--weights', `gives ${specs.length} file(s) for ${data.length} data file(s): one per data file`);
  return specs;
}

/** The inputs of --data, each folder replaced by its data files. */
export async function dataSpecs(inputs: string[]): Promise<DataSpec[]> {
  const lists = [];
  for (const input of inputs) lists.push(await about(input, async () => expandInputs([input])));
  return lists.flat();
}

/** Reads and checks one input (2-D, non-empty, finite) and its weights, so that bad data fails before any work. */
export async function loadSamples(spec: DataSpec, weightSpec?: DataSpec): Promise<Samples> {
  const data = await about(spec.file, async () => {
    const read = await readData(spec);
    await toMatrix(read, 'data');
    return read;
  });
  if (weightSpec === undefined) return { spec, data, weights: null };
  const weights = await about(weightSpec.file, async () => {
    const w = await readData(weightSpec);
    if (w.shape[1] !== 1) throw new TfjsEmError('INVALID_DATA', `holds ${w.shape[1]} values per row; weights are one per row`);
    return checkedWeights(w.data, data.shape[0], `the weights of ${spec.file}`);
  });
  return { spec, data, weights };
}

export async function loadOne(input: string, weights?: string): Promise<Samples> {
  const spec = await about(input, async () => parseDataSpec(input));
  return loadSamples(spec, weights === undefined ? undefined : await about(weights, async () => parseDataSpec(weights)));
}

/** Checked before any machine is built: a machine of k Gaussians allocates k-sized arrays. */
export function assertClusters(option: string, k: number, nSamples: number, subject: string): void {
  if (k > nSamples) throw new CliError(option, `${k} is more than the ${nSamples} samples of ${subject}`);
}

/** The inputs of --data as one data set: one shard per file, folders expanded in name order. */
export interface DataSet {
  specs: DataSpec[];
  /** The files of their weights (--weights), one per spec, or null. */
  weights: DataSpec[] | null;
  /** What errors are reported against: the file, or the inputs as given. */
  subject: string;
}

export async function dataSet(inputs: string[], args?: Args): Promise<DataSet> {
  const specs = await dataSpecs(inputs);
  const weights = args === undefined ? null : await weightSpecs(args, specs);
  return { specs, weights, subject: specs.length === 1 ? specs[0].file : inputs.join(' ') };
}

/** The set's shard i, read and checked, with its weights. */
export function loadShard(set: DataSet, i: number): Promise<Samples> {
  return loadSamples(set.specs[i], set.weights?.[i]);
}

/** Reads every shard of the data set (each checked as one input is) and holds them as local shards. */
export async function loadShards(set: DataSet, chunkSize: number | undefined): Promise<LocalShards> {
  const shards: Samples[] = [];
  for (const i of set.specs.keys()) {
    const shard = await loadShard(set, i);
    const first = shards[0]?.data.shape[1];
    if (first !== undefined && shard.data.shape[1] !== first) {
      throw new CliError(shard.spec.file, `has ${shard.data.shape[1]} features per sample; ${set.specs[0].file} has ${first}`);
    }
    shards.push(shard);
  }
  return about(set.subject, () => LocalShards.of(shards.map((s) => s.data), chunkSize, shards.map((s) => s.weights)));
}
