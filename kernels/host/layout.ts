/**
 * Sizes shared by the host kernels' WebAssembly (eStep.wat, whose {{NAME}} placeholders
 * scripts/build-wasm.mjs fills from the integer constants here) and the engine that lays
 * out their memory.
 */

/** The module's exported kernels, in the order jobs index them. */
export const KERNEL_EXPORTS = ['estep', 'loglik', 'festep', 'floglik', 'testep', 'tloglik', 'cestep', 'cloglik'] as const;

/** Rows per block: the block's [rows, kp] responsibilities stay in cache between the passes. */
export const BLOCK_ROWS = 64;
/** Gaussians per SIMD tile (two f32x4 vectors): kp is K padded to a multiple of this. */
export const K_TILE = 8;
/**
 * Bytes between scratch rows beyond their kp floats: one cache line, so that a tile's
 * column of responsibilities (read once per feature) does not map all its rows to the
 * same few L1 sets when kp * 4 is a power of two.
 */
export const SCRATCH_ROW_PAD = 64;

/** Scratch bytes per block row after its log-likelihoods: 4 f32 row maxima and 2 i32 row offsets. */
export const ROW_TAIL_BYTES = 24;

/**
 * Bytes of scratch one thread needs: [BLOCK_ROWS] rows of kp f32 (padded), then [BLOCK_ROWS, 4]
 * f32 row maxima, then [BLOCK_ROWS, 2] i32 row offsets (the rows a tile's statistics visit).
 */
export const scratchBytes = (kp: number) => BLOCK_ROWS * (4 * kp + SCRATCH_ROW_PAD + ROW_TAIL_BYTES);

/** Rows per block of the full-covariance kernels: each Gaussian's [FULL_ROWS, dp] whitened rows are kept for the moments. */
export const FULL_ROWS = 16;
/** Rows of the tied kernels' whitened block: BLOCK_ROWS and the 4 the diagonal log-likelihoods may read past them. */
export const TIED_ZROWS = 68;

/** Features padded to whole tiles of 8 columns (the whitened kernels' dp). */
export const paddedFeatures = (d: number) => Math.ceil(d / 8) * 8;

/** Bytes of work memory a thread of the whitened kernels needs after its scratch (see whitened.wat). */
export function workBytes(tied: boolean, kp: number, dp: number): number {
  const row = 4 * dp;
  return tied ? (TIED_ZROWS + 2 * BLOCK_ROWS + 1) * row : FULL_ROWS * row * (1 + kp);
}
