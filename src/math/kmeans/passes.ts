import * as tf from '@tensorflow/tfjs-core';
import { type Matrix, weightOf } from '../../data/matrix.js';
import { streamChunks } from '../../data/streamChunks.js';
import { DeviceCentroids, disposeDeviceCentroids, medianOfRows, toDeviceCentroids } from './deviceCentroids.js';
import { KMeansStats, accumulateKMeansChunk, emptyKMeansStats } from './accumulate.js';
import { kmeansEStepChunk } from './kmeansEStepChunk.js';
import { labelsChunk } from './labelsChunk.js';
import { minDistancesChunk } from './minDistancesChunk.js';
import { squaredDistances } from './squaredDistances.js';
import { clusterMomentsChunk } from './clusterMomentsChunk.js';
import { accumulateMoments } from './clusterMoments.js';

/*
 * Passes over the data, one device chunk at a time (streamChunks): each chunk
 * is centred by c.shift, reduced on the device, read once and reduced into
 * float64 on the host. Nothing stays on the device after a pass but c.
 */

/** Uploads centroids [k, D] centred on their median, runs body, and frees them. */
export async function withDeviceCentroids<T>(
  centroids: Float64Array,
  k: number,
  body: (c: DeviceCentroids) => Promise<T>,
): Promise<T> {
  const c = toDeviceCentroids(centroids, k, medianOfRows(centroids, k));
  try {
    return await body(c);
  } finally {
    disposeDeviceCentroids(c);
  }
}

/** Counts, residual sums and the summed min distance over all samples (weighted by x's weights, when it has them). */
export async function eStepPass(x: Matrix, c: DeviceCentroids, rows: number): Promise<KMeansStats> {
  const stats = emptyKMeansStats(c.nClusters, c.nFeatures);
  await streamChunks(x, rows, c.shift, (y, w) => kmeansEStepChunk(y, c, w), (v, start, end) =>
    accumulateKMeansChunk(stats, v, weightOf(x, start, end)),
  );
  return stats;
}

/** Closest-centroid index of every sample. */
export async function labelsPass(x: Matrix, c: DeviceCentroids, rows: number): Promise<Int32Array> {
  const labels = new Int32Array(x.nSamples);
  await streamChunks(x, rows, c.shift, (y) => labelsChunk(y, c), (v, start) => labels.set(v, start));
  return labels;
}

/** Squared distances of every sample to every centroid, [K, N] row-major (bob's layout). */
export async function distancesPass(x: Matrix, c: DeviceCentroids, rows: number): Promise<Float64Array> {
  const k = c.nClusters;
  const n = x.nSamples;
  const out = new Float64Array(k * n);
  await streamChunks(x, rows, c.shift, (y) => squaredDistances(y, c), (v, start, end) => {
    for (let r = 0; r < end - start; r++) for (let i = 0; i < k; i++) out[i * n + start + r] = v[r * k + i];
  });
  return out;
}

/** Distance of every sample to its closest centre among centres [m, D] (float64, row-major). */
export async function minDistancePass(x: Matrix, centres: Float64Array, m: number, rows: number): Promise<Float64Array> {
  const out = new Float64Array(x.nSamples);
  await withDeviceCentroids(centres, m, (c) =>
    streamChunks(x, rows, c.shift, (y) => minDistancesChunk(y, c), (v, start) => out.set(v, start)),
  );
  return out;
}

/**
 * sum z and sum z^2 per cluster (feature-major [2D, K]) of z = x - means[label],
 * labels from c; means [K, D] float64 row-major.
 */
export async function clusterMomentsPass(
  x: Matrix,
  c: DeviceCentroids,
  means: Float64Array,
  rows: number,
): Promise<Float64Array> {
  const { nClusters: k, nFeatures: d, shift } = c;
  const centred = new Float32Array(k * d);
  for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) centred[i * d + j] = means[i * d + j] - shift[j];
  const deviceMeans = tf.tensor2d(centred, [k, d], 'float32');
  const sums = new Float64Array(2 * d * k);
  try {
    await streamChunks(x, rows, shift, (y, w) => clusterMomentsChunk(y, c, deviceMeans, w), (v) =>
      accumulateMoments(sums, v),
    );
  } finally {
    deviceMeans.dispose();
  }
  return sums;
}

