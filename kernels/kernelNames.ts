import type { NamedTensorInfoMap, Tensor1D, Tensor2D, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Every e-step kernel takes the same inputs: samples y [n, D], centred by the
 * model's shift, and the Gaussians in one [D, K] layout,
 *   log(w_k N(y | mu_k, var_k)) = c_k - sum_j (y_j - nu_jk)^2 h_jk,
 * with nu [D, K] (means minus the shift), h [D, K] (1 / (2 var)) and c [K]
 * (log w - 0.5 (D log 2 pi + sum_j log var)): direct differences, never
 * E[y^2] - nu^2, so narrow Gaussians far from the shift lose nothing.
 */
export interface GaussianInputs extends NamedTensorInfoMap {
  y: TensorInfo;
  nu: TensorInfo;
  h: TensorInfo;
  c: TensorInfo;
  /** E_STEP only, optional: each row's weight [n] (the row counts w_i times; 0: not at all). */
  w?: TensorInfo;
}

/** The same Gaussians as tensors, as the ops that build or run the kernels hold them. */
export interface DeviceGaussians {
  nu: Tensor2D;
  h: Tensor2D;
  c: Tensor1D;
}

/**
 * The whole e-step of one chunk (each row weighted by w when given); output float32 [2DK + K + 1]:
 * [ sum_i r_ik (y_ij - nu_jk) as [D, K] | sum_i r_ik (y_ij - nu_jk)^2 as [D, K] | sum_i r_ik [K] | sum_i log p(y_i) ]:
 * moments about each Gaussian's own centre. A row with no finite log-likelihood
 * adds -Inf to the last value and nothing (not NaN) to the others.
 */
export const E_STEP = 'TfjsEmEStep';

/** log p(y_i) per row; output float32 [n] (-Inf where no Gaussian has mass). */
export const LOG_LIKELIHOOD = 'TfjsEmLogLikelihood';

/** E_STEP's and LOG_LIKELIHOOD's attributes: fusedOnly makes the plain-ops kernel refuse to run. */
export interface EStepAttrs {
  [name: string]: boolean;
  fusedOnly: boolean;
}

/** Checks the inputs every e-step kernel takes; returns [n, D, K]. */
export function gaussianInputsShape({ y, nu, h, c, w }: GaussianInputs): [number, number, number] {
  const [n, d] = y.shape;
  const k = c.shape[0];
  const fits = (t: TensorInfo) => t.shape.length === 2 && t.shape[0] === d && t.shape[1] === k;
  if (y.shape.length !== 2 || !fits(nu) || !fits(h) || c.shape.length !== 1 || (w !== undefined && (w.shape.length !== 1 || w.shape[0] !== n))) {
    throw new Error(`e-step kernel: shapes y [${y.shape}], nu [${nu.shape}], h [${h.shape}], c [${c.shape}]${w === undefined ? '' : `, w [${w.shape}]`} do not fit`);
  }
  if ([y, nu, h, c, ...(w === undefined ? [] : [w])].some((t) => t.dtype !== 'float32')) throw new Error('e-step kernel: inputs must be float32');
  return [n, d, k];
}
