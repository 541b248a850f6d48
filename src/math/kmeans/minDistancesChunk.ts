import * as tf from '@tensorflow/tfjs-core';
import type { DeviceCentroids } from './deviceCentroids.js';
import { squaredDistances } from './squaredDistances.js';

/** Distance of each centred sample to its closest centroid [n]. */
export function minDistancesChunk(y: tf.Tensor2D, c: DeviceCentroids): tf.Tensor1D {
  return tf.tidy(() => tf.min(squaredDistances(y, c), 1) as tf.Tensor1D);
}
