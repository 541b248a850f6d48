import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import { packedLength } from '../momentBlocks.js';

/**
 * The summed rows of CentredMomentsProgram [pairedLength] in the packed
 * E_STEP order [2DK + K + 1]: the first moments (its even rows below 2DK),
 * the second moments (its odd rows), then sum r and sum log p.
 */
export class PackedOrderProgram implements GPGPUProgram {
  readonly variableNames = ['paired'];
  readonly outputShape: number[];
  readonly userCode: string;

  constructor(d: number, k: number) {
    this.outputShape = [packedLength(d, k)];
    const dk = d * k;
    this.userCode = `
  void main() {
    int s = getOutputCoords();
    int src = s < ${dk} ? 2 * s : s < ${2 * dk} ? 2 * (s - ${dk}) + 1 : s;
    setOutput(getPaired(src));
  }`;
  }
}
