import * as tf from '@tensorflow/tfjs-core';
import type { DeviceCentroids } from './deviceCentroids.js';
import { squaredDistances } from './squaredDistances.js';
import { closestCentroid, membership } from './closestCentroid.js';

/**
 * Second pass of the per-cluster variances, for one chunk of centred samples y
 * [n, D]: each sample is labelled by its closest centroid (the same distances
 * as the first pass, so the same labels), then centred on its cluster's mean
 * (means: [K, D], centred by the same shift), z = y - mean_label, and
 * [ sum z (D x K) | sum z^2 (D x K) ] per cluster is returned flat, feature-major (each row
 * counting its weight w when weights are given).
 */
export function clusterMomentsChunk(y: tf.Tensor2D, c: DeviceCentroids, means: tf.Tensor2D, w: tf.Tensor1D | null = null): tf.Tensor1D {
  return tf.tidy(() => {
    const { labels } = closestCentroid(squaredDistances(y, c));
    const z = tf.sub(y, tf.gather(means, labels));
    const moments = tf.transpose(tf.concat([z, tf.square(z)], 1));
    return tf.reshape(tf.matMul(moments, membership(labels, c.nClusters, w)), [-1]) as tf.Tensor1D;
  });
}
