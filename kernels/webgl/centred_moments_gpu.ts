import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import { RowBlocks } from '../momentBlocks.js';

/** Rows of CentredMomentsProgram's output: 2DK moments, then the K + 1 columns of r padded to even. */
export function pairedLength(d: number, k: number): number {
  return 2 * d * k + 2 * Math.ceil((k + 1) / 2);
}

/**
 * Per block of rows, the e-step statistics about each Gaussian's own centre,
 * from y [n, D], r [n, K + 1] (responsibilities, log p last) and nu [D, K]:
 * partial sums [pairedLength, blocks], one column per block. Rows 2jk and
 * 2jk + 1 hold sum r_ik (y_ij - nu_jk) and sum r_ik (y_ij - nu_jk)^2 for
 * jk = j K + k; row 2DK + k holds sum r_ik (k < K) or sum log p (k = K).
 * The output is packed: each invocation writes a 2x2 texel, i.e. one pair
 * of rows for two adjacent blocks, so that both moments of (j, k) come from
 * one read of y and r per data row. A row with log p = -Inf has r = 0: it
 * adds 0 to the moments and -Inf to sum log p.
 */
export class CentredMomentsProgram implements GPGPUProgram {
  readonly variableNames = ['y', 'r', 'nu'];
  readonly packedOutput = true;
  readonly outputShape: number[];
  readonly userCode: string;

  constructor(n: number, d: number, k: number, blocks: RowBlocks) {
    this.outputShape = [pairedLength(d, k), blocks.count];
    const dk = d * k;
    this.userCode = `
  // Both moments of Gaussian k along dimension j over the block starting at row start.
  vec2 moments(int j, int k, int start) {
    float nu = getNu(j, k);
    vec2 acc = vec2(0.0);
    for (int t = 0; t < ${blocks.rows}; t++) {
      int i = start + t;
      if (i >= ${n}) break;
      float r = getR(i, k);
      // Most responsibilities are exactly 0 on clustered data: skip their reads and products.
      if (r == 0.0) continue;
      float diff = getY(i, j) - nu;
      float rd = r * diff;
      acc += vec2(rd, rd * diff);
    }
    return acc;
  }

  // Sums of columns k and k + 1 of r over the block starting at row start (0 past column K).
  vec2 columnSums(int k, int start) {
    vec2 acc = vec2(0.0);
    for (int t = 0; t < ${blocks.rows}; t++) {
      int i = start + t;
      if (i >= ${n}) break;
      acc.x += getR(i, k);
      if (k < ${k}) acc.y += getR(i, k + 1);
    }
    return acc;
  }

  void main() {
    ivec2 sb = getOutputCoords();
    int pair = sb.x / 2;
    int start = sb.y * ${blocks.rows};
    // A second block past the last one starts at or past row n: it sums nothing.
    int next = start + ${blocks.rows};
    vec2 a, b;
    if (pair < ${dk}) {
      int j = pair / ${k};
      int k = pair - j * ${k};
      a = moments(j, k, start);
      b = moments(j, k, next);
    } else {
      int k = 2 * (pair - ${dk});
      a = columnSums(k, start);
      b = columnSums(k, next);
    }
    // Texel order: (row, block), (row, block + 1), (row + 1, block), (row + 1, block + 1).
    setOutput(vec4(a.x, b.x, a.y, b.y));
  }`;
  }
}
