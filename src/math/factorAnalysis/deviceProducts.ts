/**
 * The batched products of ISV, JFA and i-vectors as float32 matrix products on the TF.js
 * backend (XNNPACK on wasm, a GPU's on webgpu, webgl or tensorflow), results summed into float64
 * on the host. Each is a GEMM over the batch: A_h = sum_g n_hg P_g is N [H, G] x P [G, r (r + 1) / 2]
 * and sum_h n_hg E_h is N^T x E, both on the upper triangles packed by rows (symmetric: half the
 * work and transfers); W^T Sigma^-1 v_h is (V / sigma) [H, rows] x W [rows, r]; W x_h is
 * X [H, r] x W^T; sum_h v_h x_h^T is V^T x X. The large operands (P, W) stay on the device while
 * they are in use (the last KEPT of them); operands under DEVICE_MIN values stay on the host.
 * Results carry float32 rounding: ~1e-7 relative per product, ~1e-6 after EM (docs/factor-analysis.md).
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalidArgument } from '../../errors.js';
import { upperOffsets } from '../../../kernels/host/linalgEngine.js';
import { hostProducts, type Products } from './batched.js';

/** Below this many values in the large operand, the host's float64 product is used. */
const DEVICE_MIN = 1 << 16;
/** Large operands kept as tensors: U's and V's terms, U and V. */
const KEPT = 4;

export class DeviceProducts implements Products {
  private readonly kept = new Map<Float64Array, tf.Tensor2D>();

  weightedSums(terms: Float64Array, weights: Float64Array[], r: number): Float64Array[] {
    if (terms.length < DEVICE_MIN) return hostProducts.weightedSums(terms, weights, r);
    const groups = terms.length / (r * r);
    const offsets = upperOffsets(r);
    const sums = tf.tidy(() => tf.matMul(stacked(weights, groups), this.tensor(terms, groups, offsets.length, offsets)));
    const values = sums.dataSync();
    sums.dispose();
    return weights.map((_, h) => {
      const out = new Float64Array(r * r);
      offsets.forEach((at, e) => (out[at] = values[h * offsets.length + e]));
      return out;
    });
  }

  addWeighted(acc: Float64Array, weights: Float64Array[], mats: Float64Array[], r: number): void {
    if (acc.length < DEVICE_MIN) return hostProducts.addWeighted(acc, weights, mats, r);
    const groups = acc.length / (r * r);
    const offsets = upperOffsets(r);
    const p = offsets.length;
    const packed = new Float32Array(mats.length * p);
    mats.forEach((m, h) => offsets.forEach((at, e) => (packed[h * p + e] = m[at])));
    const sums = tf.tidy(() => tf.matMul(columns(weights, groups), tf.tensor2d(packed, [mats.length, p])));
    const values = sums.dataSync();
    sums.dispose();
    for (let g = 0; g < groups; g++) {
      const base = g * r * r;
      for (let e = 0; e < p; e++) acc[base + offsets[e]] += values[g * p + e];
    }
  }

  projectEach(w: Float64Array, sigma: Float64Array, vs: Float64Array[], r: number): Float64Array[] {
    if (w.length < DEVICE_MIN) return hostProducts.projectEach(w, sigma, vs, r);
    const scaled = vs.map((v) => v.map((x, i) => x / sigma[i]));
    return this.rows(tf.tidy(() => tf.matMul(stacked(scaled, sigma.length), this.tensor(w, sigma.length, r))), vs.length);
  }

  timesEach(w: Float64Array, xs: Float64Array[], r: number): Float64Array[] {
    if (w.length < DEVICE_MIN) return hostProducts.timesEach(w, xs, r);
    return this.rows(tf.tidy(() => tf.matMul(stacked(xs, r), this.tensor(w, w.length / r, r), false, true)), xs.length);
  }

  addOuterProducts(acc: Float64Array, vs: Float64Array[], xs: Float64Array[], r: number): void {
    if (acc.length < DEVICE_MIN) return hostProducts.addOuterProducts(acc, vs, xs, r);
    addInto(acc, tf.tidy(() => tf.matMul(columns(vs, acc.length / r), stacked(xs, r))));
  }

  /** Frees the kept operands. */
  dispose(): void {
    for (const t of this.kept.values()) t.dispose();
    this.kept.clear();
  }

  /**
   * The array as a [rows, cols] tensor (with offsets: row i's values at i * stride + offsets, the
   * stride its length / rows), uploaded once while it stays among the last KEPT used.
   */
  private tensor(values: Float64Array, rows: number, cols: number, offsets: Int32Array | null = null): tf.Tensor2D {
    let t = this.kept.get(values);
    if (t === undefined) {
      const stride = values.length / rows;
      const picked = offsets === null ? Float32Array.from(values) : Float32Array.from({ length: rows * cols }, (_, e) => values[Math.floor(e / cols) * stride + offsets[e % cols]]);
      t = tf.keep(tf.tensor2d(picked, [rows, cols])); // made inside the products' tidy: kept past it
      if (this.kept.size >= KEPT) {
        const [oldest, old] = this.kept.entries().next().value!;
        old.dispose();
        this.kept.delete(oldest);
      }
    } else {
      this.kept.delete(values);
    }
    this.kept.set(values, t);
    return t;
  }

  /** A [n, cols] result as n float64 rows. */
  private rows(result: tf.Tensor2D, n: number): Float64Array[] {
    const values = result.dataSync();
    result.dispose();
    const cols = values.length / n;
    return Array.from({ length: n }, (_, h) => Float64Array.from(values.subarray(h * cols, (h + 1) * cols)));
  }
}

/** Rows as one [rows.length, cols] float32 tensor. */
function stacked(rows: Float64Array[], cols: number): tf.Tensor2D {
  const out = new Float32Array(rows.length * cols);
  rows.forEach((row, h) => out.set(row, h * cols));
  return tf.tensor2d(out, [rows.length, cols]);
}

/**
 * Rows [n, length] as the columns of one [length, n] float32 tensor: transposed here, as the
 * wasm backend's transposed matMul is several times slower than its plain one.
 */
function columns(rows: Float64Array[], length: number): tf.Tensor2D {
  const n = rows.length;
  const out = new Float32Array(length * n);
  rows.forEach((row, h) => {
    for (let i = 0; i < length; i++) out[i * n + h] = row[i];
  });
  return tf.tensor2d(out, [length, n]);
}

/** acc += the tensor's values (float64 sum of a float32 product), disposing it. */
function addInto(acc: Float64Array, result: tf.Tensor): void {
  const values = result.dataSync();
  result.dispose();
  for (let i = 0; i < acc.length; i++) acc[i] += values[i];
}

/** Runs `operation` on device products that live for it (freed when it ends, so that it leaves no tensor behind). */
export function withDeviceProducts<T>(machine: string, operation: (products: DeviceProducts) => T): T {
  if (tf.getBackend() === 'webgpu') {
    throw invalidArgument(`${machine}: deviceProducts reads results synchronously, which the webgpu backend cannot do here: use wasm, webgl or tensorflow, or deviceProducts false`);
  }
  const products = new DeviceProducts();
  try {
    return operation(products);
  } finally {
    products.dispose();
  }
}
