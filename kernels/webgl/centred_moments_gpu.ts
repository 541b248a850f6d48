import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import { RowBlocks, packedLength } from '../momentBlocks.js';

/**
 * Per block of rows, the e-step statistics about each Gaussian's own centre:
 * partial sums [2DK + K + 1, blocks] (the packed E_STEP order, one column per
 * block) of r_ik (y_ij - nu_jk), r_ik (y_ij - nu_jk)^2, r_ik and log p(y_i),
 * from y [n, D], r [n, K + 1] (responsibilities, log p last) and nu [D, K];
 * one sum per invocation (GLSL writes one value each). A row with
 * log p = -Inf has r = 0: it adds 0 to the moments and -Inf to sum log p.
 */
export class CentredMomentsProgram implements GPGPUProgram {
  readonly variableNames = ['y', 'r', 'nu'];
  readonly outputShape: number[];
  readonly userCode: string;

  constructor(n: number, d: number, k: number, blocks: RowBlocks) {
    this.outputShape = [packedLength(d, k), blocks.count];
    const dk = d * k;
    this.userCode = `
  void main() {
    ivec2 sb = getOutputCoords();
    int s = sb.x;
    int start = sb.y * ${blocks.rows};
    float acc = 0.0;
    if (s < ${2 * dk}) {
      bool squared = s >= ${dk};
      int jk = squared ? s - ${dk} : s;
      int j = jk / ${k};
      int k = jk - j * ${k};
      float nu = getNu(j, k);
      for (int t = 0; t < ${blocks.rows}; t++) {
        int i = start + t;
        if (i >= ${n}) break;
        float r = getR(i, k);
        // Most responsibilities are exactly 0 on clustered data: skip their reads and products.
        if (r == 0.0) continue;
        float diff = getY(i, j) - nu;
        float rd = r * diff;
        acc += squared ? rd * diff : rd;
      }
    } else {
      // Columns k < K: sum r_ik; column K: sum log p.
      int k = s - ${2 * dk};
      for (int t = 0; t < ${blocks.rows}; t++) {
        int i = start + t;
        if (i >= ${n}) break;
        acc += getR(i, k);
      }
    }
    setOutput(acc);
  }`;
  }
}
