import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { RowBlocks, packedLength } from '../momentBlocks.js';

const WORKGROUP = 64;

/**
 * Per block of rows, the e-step statistics about each Gaussian's own centre:
 * partial sums [2DK + K + 1, blocks] (the packed E_STEP order, one column per
 * block) of r_ik (y_ij - nu_jk), r_ik (y_ij - nu_jk)^2, r_ik and log p(y_i),
 * from Y [n, D], R [n, K + 1] (responsibilities, log p last) and Nu [D, K].
 * One invocation per (j, k, block), consecutive k side by side (coalesced R
 * and Nu, Y broadcast); the invocations with j = 0 also write sum r_ik, and
 * (0, 0) sum log p. A row with log p = -Inf has r = 0: it adds 0 to the
 * moments and -Inf to sum log p.
 */
export class CentredMomentsProgram implements WebGPUProgram {
  readonly variableNames = ['Y', 'R', 'Nu'];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout = { x: [0, 1] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];

  constructor(private readonly d: number, private readonly k: number, private readonly blocks: RowBlocks) {
    this.outputShape = [packedLength(d, k), blocks.count];
    this.dispatch = [Math.ceil((d * k * blocks.count) / WORKGROUP), 1, 1];
    this.shaderKey = `tfjsEmCentredMoments_${d}_${k}_${blocks.rows}`;
  }

  getUserCode(): string {
    const { d, k, blocks } = this;
    return `
const D = ${d};
const K = ${k};
const ROWS = ${blocks.rows};

fn main(index : i32) {
  let blocks = uniforms.outShape.y;
  let jk = index % (D * K);
  let block = index / (D * K);
  if (block >= blocks) { return; }
  let j = jk / K;
  let k = jk - j * K;
  let start = block * ROWS;
  let end = min(start + ROWS, uniforms.yShape.x);
  let nu = Nu[jk];
  var first = 0.0;
  var second = 0.0;
  var mass = 0.0;
  for (var i = start; i < end; i++) {
    let r = R[i * (K + 1) + k];
    // Most responsibilities are exactly 0 on clustered data: skip their reads and products.
    if (r == 0.0) { continue; }
    let diff = Y[i * D + j] - nu;
    first = first + r * diff;
    second = second + r * diff * diff;
    mass = mass + r;
  }
  setOutputAtIndex(jk * blocks + block, first);
  setOutputAtIndex((D * K + jk) * blocks + block, second);
  if (j == 0) { setOutputAtIndex((2 * D * K + k) * blocks + block, mass); }
  if (jk == 0) {
    var logP = 0.0;
    for (var i = start; i < end; i++) { logP = logP + R[i * (K + 1) + K]; }
    setOutputAtIndex((2 * D * K + K) * blocks + block, logP);
  }
}
`;
  }
}
