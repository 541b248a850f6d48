import { getBackendInfo } from './info.js';

/**
 * Rows per device chunk. The largest per-chunk intermediates are float32
 * [rows, max(K, 2D + 1)] (log-likelihoods and responsibilities; k-means'
 * [y, 1] products); the plain e-step's [rows, K_b, D] differences are taken
 * in blocks of Gaussians of the same size. By default they stay near 16 MiB,
 * which keeps the device busy. A
 * requested size is honoured up to what the device allows for one tensor
 * (getBackendInfo().limits.maxChunkBytes: e.g. a WebGPU storage-buffer binding,
 * 128 MiB on lavapipe), which nothing can exceed.
 */
export function chunkRows(nComponents: number, nFeatures: number, requested?: number): number {
  const rowBytes = 4 * Math.max(nComponents, 2 * nFeatures + 1);
  const deviceRows = Math.floor(getBackendInfo().limits.maxChunkBytes / rowBytes);
  const rows = requested !== undefined ? Math.floor(requested) : Math.min(DEFAULT_CHUNK_ROWS, Math.floor(DEFAULT_CHUNK_BYTES / rowBytes));
  return Math.max(1, Math.min(rows, deviceRows));
}

const DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024;
const DEFAULT_CHUNK_ROWS = 16384;
