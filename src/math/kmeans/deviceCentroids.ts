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
  /** -2 (c - shift)^T, [D, K]: the cross term of the GEMM form, transposed once here. */
  readonly minusTwoT: tf.Tensor2D;
  /** ||c - shift||^2 of the rounded values (summed in float64), [K]. */
  readonly norms: tf.Tensor1D;
}

/** The mean of the rows of a row-major [k, d] float64 array. */
export function meanOfRows(values: Float64Array, k: number): Float64Array {
  const d = values.length / k;
  const mean = new Float64Array(d);
  for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) mean[j] += values[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= k;
  return mean;
}

/** Uploads centroids [k, D] (float64, row-major) relative to shift; dispose with disposeDeviceCentroids. */
export function toDeviceCentroids(centroids: Float64Array, k: number, shift: Float64Array): DeviceCentroids {
  const d = shift.length;
  const hostCentred = new Float64Array(k * d);
  const transposed = new Float32Array(k * d);
  const norms = new Float32Array(k);
  for (let i = 0; i < k; i++) {
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const c = Math.fround(centroids[i * d + j] - shift[j]);
      hostCentred[i * d + j] = c;
      transposed[j * k + i] = -2 * c;
      norm += c * c;
    }
    norms[i] = norm;
  }
  return {
    nClusters: k,
    nFeatures: d,
    shift,
    hostCentred,
    centred: tf.tensor2d(Float32Array.from(hostCentred), [k, d], 'float32'),
    minusTwoT: tf.tensor2d(transposed, [d, k], 'float32'),
    norms: tf.tensor1d(norms, 'float32'),
  };
}

export function disposeDeviceCentroids(c: DeviceCentroids): void {
  c.centred.dispose();
  c.minusTwoT.dispose();
  c.norms.dispose();
}
