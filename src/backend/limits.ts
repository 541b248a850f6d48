/**
 * Rows per device chunk: large enough to keep the device busy, small enough
 * that the [rows, max(K, 2D + 1)] float32 intermediates stay near 16 MiB.
 * A requested size is honoured up to that bound.
 */
export function chunkRows(nComponents: number, nFeatures: number, requested?: number): number {
  const width = Math.max(nComponents, 2 * nFeatures + 1);
  const bound = Math.max(1, Math.floor(MAX_CHUNK_FLOATS / width));
  if (requested !== undefined) return Math.max(1, Math.min(Math.floor(requested), bound));
  return Math.min(bound, DEFAULT_CHUNK_ROWS);
}

const MAX_CHUNK_FLOATS = 4 * 1024 * 1024;
const DEFAULT_CHUNK_ROWS = 16384;
