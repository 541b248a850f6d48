import * as tf from '@tensorflow/tfjs-core';

/**
 * Centroids as the device sees them, relative to a shift (the float64 point
 * subtracted from the data before anything is squared). The host keeps the
 * float32-rounded values it sent, so that sums measured relative to them can be
 * turned back into float64 positions exactly.
 */
export interface DeviceCentroids {
  readonly nClusters: number;
  readonly nFeatures: number;
  readonly shift: Float64Array;
  /** fround(c - shift), [K, D] row-major, in float64 on the host. */
  readonly hostCentred: Float64Array;
  /** The same values as a float32 [K, D] tensor. */
  readonly centred: tf.Tensor2D;
  /**
   * The GEMM form's right-hand side [D + 2, K]: rows -2 (c - shift)^T, then 1,
   * then ||c - shift||^2 (of the rounded values, summed in float64), so that
   * [y, ||y||^2, 1] times it gives the squared distances with no broadcast op
   * (broadcasting element-wise ops are slow on the cpu and wasm backends).
   */
  readonly gemm: tf.Tensor2D;
}

/**
 * The per-feature (lower) median of the rows of a row-major [k, d] float64 array: the shift k-means
 * centres the data by. It is one of the centroids' values, and a lone centroid far away (an
 * outlier's) does not drag it from the others.
 */
export function medianOfRows(values: Float64Array, k: number): Float64Array {
  const d = values.length / k;
  const median = new Float64Array(d);
  const column = new Float64Array(k);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < k; i++) column[i] = values[i * d + j];
    column.sort();
    median[j] = column[(k - 1) >> 1];
  }
  return median;
}

/** What the host keeps of centroids [k, D] sent to the device centred on their median (see toDeviceCentroids). */
export type HostCentroids = Pick<DeviceCentroids, 'nClusters' | 'nFeatures' | 'shift' | 'hostCentred'>;

export function hostCentroids(centroids: Float64Array, k: number): HostCentroids {
  const shift = medianOfRows(centroids, k);
  const d = shift.length;
  const hostCentred = new Float64Array(k * d);
  for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) hostCentred[i * d + j] = Math.fround(centroids[i * d + j] - shift[j]);
  return { nClusters: k, nFeatures: d, shift, hostCentred };
}

/** Uploads centroids [k, D] (float64, row-major) relative to shift; dispose with disposeDeviceCentroids. */
export function toDeviceCentroids(centroids: Float64Array, k: number, shift: Float64Array): DeviceCentroids {
  const d = shift.length;
  const hostCentred = new Float64Array(k * d);
  const gemm = new Float32Array((d + 2) * k);
  for (let i = 0; i < k; i++) {
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const c = Math.fround(centroids[i * d + j] - shift[j]);
      hostCentred[i * d + j] = c;
      gemm[j * k + i] = -2 * c;
      norm += c * c;
    }
    gemm[d * k + i] = 1;
    gemm[(d + 1) * k + i] = norm;
  }
  return {
    nClusters: k,
    nFeatures: d,
    shift,
    hostCentred,
    centred: tf.tensor2d(Float32Array.from(hostCentred), [k, d], 'float32'),
    gemm: tf.tensor2d(gemm, [d + 2, k], 'float32'),
  };
}

export function disposeDeviceCentroids(c: DeviceCentroids): void {
  c.centred.dispose();
  c.gemm.dispose();
}
