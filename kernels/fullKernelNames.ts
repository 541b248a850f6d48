import type { NamedTensorInfoMap, Tensor1D, Tensor2D, Tensor3D, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The e-step kernels of full and tied covariances take samples y [n, D], centred by the
 * model's shift, and each Gaussian's whitening: its inverse Cholesky factor P (lower
 * triangular, P Sigma P^T = I) and its centre, so that
 *   log(w_k N(y | k)) = c_k - 0.5 ||z_ik||^2,
 * full: z_ik = P_k (y - nu_k), with nu [K, D], p [K, D, D];
 * tied: z_ik = P y - q_k,       with q = P nu [K, D] (whitened centres), p [D, D];
 * c_k = log w_k - 0.5 D log 2 pi + sum_j log P_k,jj. Direct, whitened differences: no
 * E[y y^T] - nu nu^T, and second moments in whitened coordinates, where float32 resolves
 * every direction alike however ill-conditioned the covariance.
 */
export interface WhitenedInputs extends NamedTensorInfoMap {
  y: TensorInfo;
  /** Centres: full, nu [K, D]; tied, q [K, D] (whitened). */
  m: TensorInfo;
  /** Whitening factors: full [K, D, D]; tied [D, D]. */
  p: TensorInfo;
  c: TensorInfo;
  /** E-steps only, optional: each row's weight [n]. */
  w?: TensorInfo;
}

/** The same Gaussians as tensors. */
export interface WhitenedGaussians {
  m: Tensor2D;
  p: Tensor3D | Tensor2D;
  c: Tensor1D;
}

/**
 * Full e-step of a chunk (rows weighted by w when given), float32 [K + K D + K D D + 1]:
 * [ sum_i r_ik [K] | sum_i r_ik z_ik [K, D] | sum_i r_ik z_ik z_ik^T [K, D, D] | sum_i log p(y_i) ].
 */
export const FULL_E_STEP = 'TfjsEmFullEStep';

/** log p(y_i) per row under full covariances, float32 [n]. */
export const FULL_LOG_LIKELIHOOD = 'TfjsEmFullLogLikelihood';

/**
 * Tied e-step of a chunk, float32 [K + K D + D D + K K + 1], with z_i = P y_i, r_i the
 * responsibilities and m_i = sum_k r_ik q_k:
 * [ sum_i r_ik [K] | sum_i r_ik (z_i - q_k) [K, D] | sum_i (z_i - m_i)(z_i - m_i)^T [D, D] |
 *   sum_i r_i r_i^T [K, K] | sum_i log p(y_i) ]  (each row counting w_i times).
 * The pooled second moment sum_ik r_ik (z_i - q_k)(z_i - q_k)^T is the third block plus
 * sum_{k<l} C_kl (q_k - q_l)(q_k - q_l)^T: both sums of positive terms, nothing cancels.
 */
export const TIED_E_STEP = 'TfjsEmTiedEStep';

/** log p(y_i) per row under a tied covariance, float32 [n]. */
export const TIED_LOG_LIKELIHOOD = 'TfjsEmTiedLogLikelihood';

/** Checks the inputs of the full (tied = false) or tied kernels; returns [n, D, K]. */
export function whitenedInputsShape({ y, m, p, c, w }: WhitenedInputs, tied: boolean): [number, number, number] {
  const [n, d] = y.shape;
  const k = c.shape[0];
  const pShape = tied ? [d, d] : [k, d, d];
  const fits =
    y.shape.length === 2 &&
    m.shape.length === 2 && m.shape[0] === k && m.shape[1] === d &&
    p.shape.length === pShape.length && p.shape.every((s, i) => s === pShape[i]) &&
    c.shape.length === 1 &&
    (w === undefined || (w.shape.length === 1 && w.shape[0] === n));
  if (!fits) {
    throw new Error(`${tied ? 'tied' : 'full'} e-step kernel: shapes y [${y.shape}], m [${m.shape}], p [${p.shape}], c [${c.shape}]${w === undefined ? '' : `, w [${w.shape}]`} do not fit`);
  }
  if ([y, m, p, c, ...(w === undefined ? [] : [w])].some((t) => t.dtype !== 'float32')) throw new Error('e-step kernel: inputs must be float32');
  return [n, d, k];
}

/** Length of the packed full e-step output. */
export const fullPackedLength = (d: number, k: number) => k + k * d + k * d * d + 1;

/** Length of the packed tied e-step output. */
export const tiedPackedLength = (d: number, k: number) => k + k * d + d * d + k * k + 1;
