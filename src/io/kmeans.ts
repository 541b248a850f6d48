/**
 * KMeansMachine files. bob.learn.em never saved k-means machines, so this layout is ours, in
 * the spirit of bob's GMM layout 1.0 (snake_case names of bob's KMeansMachine attributes, h5py
 * dtypes for Python values):
 *   attrs file_version "1.0" (str), writer_class "<class 'tfjs_em.KMeansMachine'>" (str)
 *   n_clusters            int64 scalar
 *   centroids             float64 [n_clusters, n_features]  (n_features is its second axis)
 *   init_method           str scalar ("k-means||", "k-means++", "random", ...)
 *   convergence_threshold float64 scalar
 *   max_iter              int64 scalar
 *   random_state          int64 scalar
 *   init_max_iter         int64 scalar
 *   oversampling_factor   float64 scalar
 */
import { withReadFile, writeBytes, writePath, type Source } from './h5file.js';
import type { H5File } from './h5.js';
import { expectKind, isLegacy } from './kind.js';
import { H5Reader } from './reader.js';
import type { KMeansRecord } from './records.js';
import { checkKMeans } from './validate.js';
import { writeArray, writeHeader, writeInteger, writeNumber, writeString } from './writer.js';

export const KMEANS_WRITER_CLASS = "<class 'tfjs_em.KMeansMachine'>";

export async function readKMeansFile(source: Source): Promise<KMeansRecord> {
  return withReadFile(source, (file, name) => {
    const reader = new H5Reader(file, name);
    expectKind(reader, 'KMeansMachine');
    if (isLegacy(reader)) throw reader.fail('KMeansMachine file without a file_version attribute');
    return readKMeans(reader);
  });
}

export async function writeKMeansFile(path: string, record: KMeansRecord): Promise<void> {
  checkKMeans(record);
  return writePath(path, (file) => writeKMeans(file, record));
}

export async function kmeansToBytes(record: KMeansRecord): Promise<Uint8Array> {
  checkKMeans(record);
  return writeBytes((file) => writeKMeans(file, record));
}

function readKMeans(reader: H5Reader): KMeansRecord {
  const k = reader.integer('n_clusters');
  if (k < 1) throw reader.fail(`n_clusters is ${k}, expected at least 1`);
  const centroids = reader.array('centroids');
  const d = centroids.shape[1];
  if (centroids.shape.length !== 2 || centroids.shape[0] !== k || d < 1) {
    throw reader.fail(`dataset centroids has shape [${centroids.shape}], expected [${k}, D] with D >= 1`);
  }
  return {
    nClusters: k,
    nFeatures: d,
    centroids: centroids.data,
    initMethod: reader.string('init_method'),
    convergenceThreshold: reader.number('convergence_threshold'),
    maxIter: nonNegative(reader, 'max_iter'),
    randomState: reader.integer('random_state'),
    initMaxIter: nonNegative(reader, 'init_max_iter'),
    oversamplingFactor: reader.number('oversampling_factor'),
  };
}

function nonNegative(reader: H5Reader, path: string): number {
  const value = reader.integer(path);
  if (value < 0) throw reader.fail(`${path} is ${value}, expected at least 0`);
  return value;
}

function writeKMeans(file: H5File, r: KMeansRecord): void {
  writeHeader(file, KMEANS_WRITER_CLASS);
  writeInteger(file, 'n_clusters', r.nClusters);
  writeArray(file, 'centroids', r.centroids, [r.nClusters, r.nFeatures]);
  writeString(file, 'init_method', r.initMethod);
  writeNumber(file, 'convergence_threshold', r.convergenceThreshold);
  writeInteger(file, 'max_iter', r.maxIter);
  writeInteger(file, 'random_state', r.randomState);
  writeInteger(file, 'init_max_iter', r.initMaxIter);
  writeNumber(file, 'oversampling_factor', r.oversamplingFactor);
}
