import * as tf from '@tensorflow/tfjs-core';
import type { DeviceGaussians } from '../kernelNames.js';

/** Elements of one [rows, Gaussians, D] intermediate of the plain ops (16 MiB of float32). */
const BLOCK_ELEMENTS = 1 << 22;

/** [first, count] ranges of Gaussians whose [rows, count, D] differences fit one block. */
export function gaussianBlocks(rows: number, d: number, k: number): [number, number][] {
  const size = Math.max(1, Math.min(k, Math.floor(BLOCK_ELEMENTS / Math.max(1, rows * d))));
  const blocks: [number, number][] = [];
  for (let first = 0; first < k; first += size) blocks.push([first, Math.min(size, k - first)]);
  return blocks;
}

/** y_i - nu_k for the Gaussians [first, first + count): [rows, count, D]. */
export function differences(y: tf.Tensor2D, g: DeviceGaussians, first: number, count: number): tf.Tensor3D {
  const nu = tf.transpose(tf.slice(g.nu, [0, first], [-1, count]));
  return tf.sub(tf.expandDims(y, 1), nu) as tf.Tensor3D;
}

/**
 * log(w_k N(x_i | mu_k, var_k)) for centred samples y: [n, K], by direct
 * differences c_k - sum_j (y_ij - nu_jk)^2 h_jk, Gaussians taken in blocks so
 * that the [n, K, D] differences never exist at once.
 */
export function logWeightedLikelihood(y: tf.Tensor2D, g: DeviceGaussians): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, d] = y.shape;
    const parts = gaussianBlocks(n, d, g.c.shape[0]).map(([first, count]) =>
      tf.tidy(() => {
        const h = tf.transpose(tf.slice(g.h, [0, first], [-1, count]));
        const quad = tf.sum(tf.mul(tf.square(differences(y, g, first, count)), h), 2);
        return tf.sub(tf.slice(g.c, [first], [count]), quad);
      }),
    );
    return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor2D;
  });
}
