import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** sum_j (y_ij - nu_jk)^2 h_jk for the 4 rows r (offsets of their first feature). */
const DIAGONAL_DISTANCE = `
fn diagonalDistance(r : vec4<i32>, k : i32) -> vec4<f32> {
  var acc = vec4<f32>(0.0);
  for (var j = 0; j < D; j++) {
    let diff = vec4<f32>(Y[r.x + j], Y[r.y + j], Y[r.z + j], Y[r.w + j]) - vec4<f32>(Nu[j * K + k]);
    acc = acc + diff * diff * H[j * K + k];
  }
  return acc;
}`;

/** ||P_k (y_i - nu_k)||^2 / 2 for the 4 rows r: coordinate a is row a of the lower-triangular P_k times the differences. */
const FULL_DISTANCE = `
fn fullDistance(r : vec4<i32>, k : i32) -> vec4<f32> {
  var diff : array<vec4<f32>, D>;
  for (var b = 0; b < D; b++) {
    diff[b] = vec4<f32>(Y[r.x + b], Y[r.y + b], Y[r.z + b], Y[r.w + b]) - vec4<f32>(M[k * D + b]);
  }
  var acc = vec4<f32>(0.0);
  for (var a = 0; a < D; a++) {
    var z = vec4<f32>(0.0);
    for (var b = 0; b <= a; b++) { z = z + P[(k * D + a) * D + b] * diff[b]; }
    acc = acc + z * z;
  }
  return 0.5 * acc;
}`;

/** Rows per workgroup: one vec4 lane each. */
const ROWS = 4;
const WORKGROUP = 64;

/**
 * Log-likelihoods, logsumexp and responsibilities of ROWS rows per workgroup:
 * each invocation holds the log-likelihoods of its Gaussians k = t, t + 64, ...
 * in registers, the row maxima and sums are reduced in workgroup memory, and
 * R [n, K + 1] (log p(y_i) in the last column) is written once; with
 * logLikelihoodOnly, only log p(y_i), as [n].
 * Direct differences: diagonal (inputs Y, Nu [D, K], H [D, K], C) l_ik = c_k - sum_j (y_ij - nu_jk)^2 h_jk;
 * full (inputs Y, M [K, D], P [K, D, D], C; ../fullKernelNames.ts) l_ik = c_k - ||P_k (y_i - nu_k)||^2 / 2,
 * each whitened coordinate a triangular row of P_k times the row's differences.
 */
export class ResponsibilitiesProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout = { x: [0, 1] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];

  /** weighted: a fifth input W [n], each row's responsibilities and log-likelihood counting W times. */
  constructor(
    n: number,
    private readonly d: number,
    private readonly k: number,
    private readonly logLikelihoodOnly = false,
    private readonly weighted = false,
    private readonly form: 'diag' | 'full' = 'diag',
  ) {
    this.variableNames = [...(form === 'diag' ? ['Y', 'Nu', 'H', 'C'] : ['Y', 'M', 'P', 'C']), ...(weighted ? ['W'] : [])];
    this.outputShape = logLikelihoodOnly ? [n] : [n, k + 1];
    this.dispatch = [Math.ceil(n / ROWS), 1, 1];
    this.shaderKey = `tfjsEmResponsibilities_${form}_${d}_${k}_${logLikelihoodOnly}_${weighted}`;
  }

  getUserCode(): string {
    const { d, k, logLikelihoodOnly, weighted, form } = this;
    const perThread = Math.ceil(k / WORKGROUP);
    const weight = weighted ? 'vec4<f32>(W[r.x / D], W[r.y / D], W[r.z / D], W[r.w / D])' : 'vec4<f32>(1.0)';
    const writeResponsibilities = `
  let scale = select(w / s, vec4<f32>(0.0), dead);
  for (var m = 0; m < KPT; m++) {
    let k = i32(localIndex) + m * ${WORKGROUP};
    if (k < K) {
      let resp = l[m] * scale;
      for (var i = 0; i < ${ROWS}; i++) {
        if (row0 + i < n) { setOutputAtIndex((row0 + i) * (K + 1) + k, resp[i]); }
      }
    }
  }`;
    return `
const D = ${d};
const K = ${k};
const KPT = ${perThread};
var<workgroup> part : array<vec4<f32>, ${WORKGROUP}>;

fn reduceMax(v : vec4<f32>) -> vec4<f32> {
  part[localIndex] = v;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s = s / 2u) {
    if (localIndex < s) { part[localIndex] = max(part[localIndex], part[localIndex + s]); }
    workgroupBarrier();
  }
  let out = part[0];
  workgroupBarrier();
  return out;
}

fn reduceSum(v : vec4<f32>) -> vec4<f32> {
  part[localIndex] = v;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s = s / 2u) {
    if (localIndex < s) { part[localIndex] = part[localIndex] + part[localIndex + s]; }
    workgroupBarrier();
  }
  let out = part[0];
  workgroupBarrier();
  return out;
}

${form === 'diag' ? DIAGONAL_DISTANCE : FULL_DISTANCE}

fn main(index : i32) {
  let group = i32(workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x);
  let row0 = group * ${ROWS};
  let n = uniforms.yShape.x;
  let negInf = vec4<f32>(-uniforms.INFINITY);
  // Rows past the end read the last row; they are never written.
  let r = vec4<i32>(min(row0, n - 1), min(row0 + 1, n - 1), min(row0 + 2, n - 1), min(row0 + 3, n - 1)) * D;
  var l : array<vec4<f32>, KPT>;
  var mx = negInf;
  for (var m = 0; m < KPT; m++) {
    let k = i32(localIndex) + m * ${WORKGROUP};
    if (k < K) {
      l[m] = vec4<f32>(C[k]) - ${form === 'diag' ? 'diagonalDistance(r, k)' : 'fullDistance(r, k)'};
      mx = max(mx, l[m]);
    }
  }
  mx = reduceMax(mx);
  // A row with no finite log-likelihood: shift by 0, its sum is 0 and log p = -Inf.
  let shift = select(mx, vec4<f32>(0.0), mx == negInf);
  var s = vec4<f32>(0.0);
  for (var m = 0; m < KPT; m++) {
    if (i32(localIndex) + m * ${WORKGROUP} < K) {
      l[m] = exp(l[m] - shift);
      s = s + l[m];
    }
  }
  s = reduceSum(s);
  let dead = s == vec4<f32>(0.0);
  let w = ${weight};
${logLikelihoodOnly ? '' : writeResponsibilities}
  if (localIndex == 0u) {
    // a row of weight 0 counts nothing, also when its log-likelihood is -Inf
    let ll = select(w * select(shift + log(s), negInf, dead), vec4<f32>(0.0), w == vec4<f32>(0.0));
    for (var i = 0; i < ${ROWS}; i++) {
      if (row0 + i < n) { setOutputAtIndex(${logLikelihoodOnly ? 'row0 + i' : '(row0 + i) * (K + 1) + K'}, ll[i]); }
    }
  }
}
`;
  }
}
