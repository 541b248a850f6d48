/** A numeric dataset of an HDF5 file as samples: `file.h5:/group/dataset`, or the file's only dataset. */
import type { HostArray2D } from '../../data/matrix.js';
import { h5ForPaths, type H5File, type H5Lib } from '../h5.js';
import { withReadFile } from '../h5file.js';
import { dataError } from './fail.js';

const INTEGER = 0;
const FLOAT = 1;

type H5Dataset = InstanceType<H5Lib['Dataset']>;

export async function readHdf5Dataset(file: string, dataset: string | undefined): Promise<HostArray2D> {
  const lib = await h5ForPaths();
  return withReadFile(file, (h5) => toSamples(findDataset(lib, h5, file, dataset), file, dataset ?? ''));
}

function findDataset(lib: H5Lib, h5: H5File, file: string, path: string | undefined): H5Dataset {
  const all = datasetPaths(lib, h5, '/');
  if (path === undefined) {
    if (all.length === 1) return h5.get(all[0]) as H5Dataset;
    throw dataError(file, `name the dataset as ${file}:/dataset (it holds: ${listing(all)})`);
  }
  const entity = h5.get(path);
  if (entity instanceof lib.Dataset) return entity;
  const what = entity === null ? 'no dataset' : 'not a dataset:';
  throw dataError(file, `${what} ${path} (datasets: ${listing(all)})`);
}

function datasetPaths(lib: H5Lib, group: InstanceType<H5Lib['Group']>, prefix: string): string[] {
  return group.keys().flatMap((key) => {
    const entity = group.get(key);
    if (entity instanceof lib.Dataset) return [prefix + key];
    if (entity instanceof lib.Group) return datasetPaths(lib, entity, `${prefix}${key}/`);
    return [];
  });
}

function listing(paths: string[]): string {
  if (paths.length === 0) return 'none';
  return paths.length > 8 ? `${paths.slice(0, 8).join(', ')}, ...` : paths.join(', ');
}

/** 2-D as [samples, features]; 1-D as samples of one feature. float32 stays float32. */
function toSamples(dataset: H5Dataset, file: string, path: string): HostArray2D {
  const { type, size } = dataset.metadata;
  const where = path || dataset.path;
  if (type !== INTEGER && type !== FLOAT) throw dataError(file, `dataset ${where} is not numeric`);
  const shape = dataset.shape ?? [];
  if (shape.length !== 1 && shape.length !== 2) {
    throw dataError(file, `dataset ${where} has shape [${shape}]; expected [samples, features] or [samples]`);
  }
  const value = dataset.value as ArrayLike<number | bigint>;
  const data = type === FLOAT && size === 4 ? Float32Array.from(value as ArrayLike<number>) : Float64Array.from(value, Number);
  return { data, shape: shape.length === 2 ? [shape[0], shape[1]] : [shape[0], 1] };
}
