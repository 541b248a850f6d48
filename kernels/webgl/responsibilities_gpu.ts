import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';

/** c_k - sum_j (y_ij - nu_jk)^2 h_jk in GLSL, for row i and Gaussian k (ints in scope). */
function logLikelihood(d: number): string {
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
  readonly variableNames = ['y', 'nu', 'h', 'c'];
  readonly outputShape: number[];
  readonly userCode: string;

  constructor(n: number, d: number, k: number) {
    this.outputShape = [n];
    this.userCode = `
  ${logLikelihood(d)}
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
  constructor(n: number, d: number, k: number, weighted = false) {
    this.variableNames = ['y', 'nu', 'h', 'c', 'lp', ...(weighted ? ['w'] : [])];
    this.outputShape = [n, k + 1];
    this.userCode = `
  ${logLikelihood(d)}
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
