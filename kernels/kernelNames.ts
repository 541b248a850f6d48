import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The whole e-step of one chunk, packed as eStepChunk packs it:
 * inputs y [n, D] (centred), weights [2D, K], bias [K] (the GEMM form of
 * src/math/gmm/params.ts); output float32 [2DK + K + 1].
 */
export const E_STEP = 'TfjsEmEStep';

/** log p(y_i) per row: the E_STEP inputs; output float32 [n] (-Inf where no Gaussian has mass). */
export const LOG_LIKELIHOOD = 'TfjsEmLogLikelihood';

/**
 * Log-likelihood, logsumexp and responsibilities fused, on the direct-difference
 * form log(w_k N(y | mu_k, var_k)) = c_k - sum_j (y_j - nu_jk)^2 h_jk: inputs
 * y [n, D], nu [D, K] (means minus the shift), h [D, K] (1 / (2 var)), c [K];
 * output float32 [n, K + 1], responsibilities then log p(y_i) in the last
 * column (a row with no finite log-likelihood gets zero responsibilities and
 * -Inf). The statistics follow by matMul.
 */
export const RESPONSIBILITIES = 'TfjsEmResponsibilities';

export interface EStepInputs extends NamedTensorInfoMap {
  y: TensorInfo;
  weights: TensorInfo;
  bias: TensorInfo;
}

/** Checks the inputs E_STEP and LOG_LIKELIHOOD take; returns [n, D, K]. */
export function eStepShape({ y, weights, bias }: EStepInputs): [number, number, number] {
  const [n, d] = y.shape;
  const k = bias.shape[0];
  if (y.shape.length !== 2 || weights.shape[0] !== 2 * d || weights.shape[1] !== k || bias.shape.length !== 1) {
    throw new Error(`e-step kernel: shapes y [${y.shape}], weights [${weights.shape}], bias [${bias.shape}] do not fit`);
  }
  if (y.dtype !== 'float32' || weights.dtype !== 'float32' || bias.dtype !== 'float32') {
    throw new Error('e-step kernel: inputs must be float32');
  }
  return [n, d, k];
}

export interface DirectFormInputs extends NamedTensorInfoMap {
  y: TensorInfo;
  nu: TensorInfo;
  h: TensorInfo;
  c: TensorInfo;
}

/** Checks the responsibilities kernel's inputs; returns [n, D, K]. */
export function directFormShape({ y, nu, h, c }: DirectFormInputs): [number, number, number] {
  const [n, d] = y.shape;
  const k = c.shape[0];
  const fits = (t: TensorInfo) => t.shape.length === 2 && t.shape[0] === d && t.shape[1] === k;
  if (y.shape.length !== 2 || !fits(nu) || !fits(h) || c.shape.length !== 1) {
    throw new Error(`responsibilities kernel: shapes y [${y.shape}], nu [${nu.shape}], h [${h.shape}], c [${c.shape}] do not fit`);
  }
  if ([y, nu, h, c].some((t) => t.dtype !== 'float32')) throw new Error('responsibilities kernel: inputs must be float32');
  return [n, d, k];
}
