import * as tf from '@tensorflow/tfjs-core';
import type { DeviceCentroids } from './deviceCentroids.js';
import { squaredDistances } from './squaredDistances.js';
import { closestCentroid } from './closestCentroid.js';

/** Closest-centroid index of each centred sample, as float32 (exact below 2^24) [n]. */
export function labelsChunk(y: tf.Tensor2D, c: DeviceCentroids): tf.Tensor1D {
  return tf.tidy(() => tf.cast(closestCentroid(squaredDistances(y, c)).labels, 'float32') as tf.Tensor1D);
}
