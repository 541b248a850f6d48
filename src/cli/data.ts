/** Reading --data inputs, with every problem reported against the file it comes from. */
import { toMatrix, type HostArray2D } from '../data/matrix.js';
import { expandInputs, parseDataSpec, readData, type DataSpec } from '../io/data/read.js';
import { CliError, about } from './errors.js';

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
export function assertClusters(option: string, k: number, samples: Samples): void {
  const n = samples.data.shape[0];
  if (k > n) throw new CliError(option, `${k} is more than the ${n} samples of ${samples.spec.spec}`);
}
