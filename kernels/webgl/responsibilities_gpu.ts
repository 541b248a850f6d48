import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';

/** The Gaussians' inputs: 'diag' nu [D, K], h [D, K], c; 'full' m [K, D], p [K, D, D], c (../fullKernelNames.ts). */
export type Form = 'diag' | 'full';

const inputsOf = (form: Form) => (form === 'diag' ? ['y', 'nu', 'h', 'c'] : ['y', 'm', 'p', 'c']);

/**
 * log(w_k N(y_i | k)) in GLSL for row i and Gaussian k by direct differences: diagonal,
 * c_k - sum_j (y_ij - nu_jk)^2 h_jk; full, c_k - ||P_k (y_i - nu_k)||^2 / 2, each whitened
 * coordinate a triangular row of P_k times the row's differences.
 */
function logLikelihood(d: number, form: Form): string {
  if (form === 'full') {
    return `
  float logLikelihood(int i, int k) {
    float diff[${d}];
    for (int b = 0; b < ${d}; b++) diff[b] = getY(i, b) - getM(k, b);
    float acc = 0.0;
    for (int a = 0; a < ${d}; a++) {
      float z = 0.0;
      for (int b = 0; b <= a; b++) z += getP(k, a, b) * diff[b];
      acc += z * z;
    }
    return getC(k) - 0.5 * acc;
  }`;
  }
  return `
  float logLikelihood(int i, int k) {
    float acc = 0.0;
    for (int j = 0; j < ${d}; j++) {
      float diff = getY(i, j) - getNu(j, k);
      acc += diff * diff * getH(j, k);
    }
    return getC(k) - acc;
  }`;
}

/**
 * log p(y_i) = logsumexp_k l_ik per row in one pass (running maximum and
 * rescaled sum), so that no [n, K] log-likelihoods are written: output [n].
 */
export class LogLikelihoodRowsProgram implements GPGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly userCode: string;

  constructor(n: number, d: number, k: number, form: Form = 'diag') {
    this.variableNames = inputsOf(form);
    this.outputShape = [n];
    this.userCode = `
  ${logLikelihood(d, form)}
  void main() {
    int i = getOutputCoords();
    float negInf = uintBitsToFloat(0xff800000u);
    float mx = negInf;
    float s = 0.0;
    for (int k = 0; k < ${k}; k++) {
      float l = logLikelihood(i, k);
      if (l > mx) {
        s = s * exp(mx - l) + 1.0;
        mx = l;
      } else if (l > negInf) {
        s += exp(l - mx);
      }
    }
    setOutput(s > 0.0 ? mx + log(s) : negInf);
  }`;
  }
}

/**
 * R [n, K + 1]: exp(l_ik - log p(y_i)) recomputed per element (GLSL writes
 * one value per invocation), then log p(y_i) in the last column; zero where
 * log p is -Inf.
 */
export class ResponsibilitiesProgram implements GPGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly userCode: string;

  /** weighted: a sixth input w [n], each row's responsibilities and log-likelihood counting w times (0: not at all). */
  constructor(n: number, d: number, k: number, weighted = false, form: Form = 'diag') {
    this.variableNames = [...inputsOf(form), 'lp', ...(weighted ? ['w'] : [])];
    this.outputShape = [n, k + 1];
    this.userCode = `
  ${logLikelihood(d, form)}
  void main() {
    ivec2 ik = getOutputCoords();
    float lp = getLp(ik.x);
    float w = ${weighted ? 'getW(ik.x)' : '1.0'};
    if (ik.y == ${k}) {
      setOutput(w == 0.0 ? 0.0 : w * lp);
    } else if (isinf(lp) || w == 0.0) {
      setOutput(0.0);
    } else {
      setOutput(w * exp(logLikelihood(ik.x, ik.y) - lp));
    }
  }`;
  }
}
