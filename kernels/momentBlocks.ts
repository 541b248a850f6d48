import { KernelBackend, Sum, TensorInfo, getKernel } from '@tensorflow/tfjs-core';

/**
 * Rows per block of the GPU centred-moments programs: each invocation sums
 * one block in sequence (float32 error ~ BLOCK_ROWS eps at worst), and the
 * blocks' partial sums are then reduced as a tree by the backend's Sum
 * kernel, so that the error grows with the block size and log(n), not n.
 */
const BLOCK_ROWS = 128;

/** At most this many partial sums (64 MiB of float32); past it the blocks grow. */
const MAX_PARTIALS = 1 << 24;

/** How the GPU centred-moments programs split n rows: `count` blocks of `rows` rows (the last one shorter). */
export interface RowBlocks {
  count: number;
  rows: number;
}

/** The row blocks for n rows and `sums` sums per block. */
export function rowBlocks(n: number, sums: number): RowBlocks {
  const count = Math.max(1, Math.min(Math.ceil(n / BLOCK_ROWS), Math.floor(MAX_PARTIALS / sums)));
  return { count, rows: Math.max(1, Math.ceil(n / count)) };
}

/** The number of packed e-step statistics: 2DK + K + 1. */
export function packedLength(d: number, k: number): number {
  return 2 * d * k + k + 1;
}

/** Sums partial sums [S, blocks] over the blocks with the backend's own Sum kernel: [S]. */
export function sumBlocks(partials: TensorInfo, backend: KernelBackend, backendName: string): TensorInfo {
  const sum = getKernel(Sum, backendName);
  if (sum === undefined) throw new Error(`e-step kernel: the '${backendName}' backend has no Sum kernel`);
  return sum.kernelFunc({ inputs: { x: partials }, backend, attrs: { axis: 1, keepDims: false } }) as TensorInfo;
}
