/**
 * What bob.learn.em's Whitening and WCCN learn and apply: x -> ((x - inputSubtract) / inputDivide) W,
 * with W the lower Cholesky factor of the inverse of a covariance (W W^T = Sigma^-1), so that
 * the projected samples have that covariance whitened to I. Float64 on the host.
 */
import { TfjsEmError, invalidArgument } from '../../errors.js';
import { type HostRows, type HostRowsInput, hostRows } from '../../data/hostRows.js';
import { cholesky, inverseSpd, symmetricPseudoInverse } from '../../math/linalg.js';

export interface LinearProjectionOptions {
  /** Invert the covariance by its pseudo-inverse (near-singular covariances), as bob's pinv=True. */
  pinv?: boolean;
}

export abstract class LinearProjection {
  readonly pinv: boolean;
  /** W, [D, D] row-major, lower triangular; null before fit. */
  weights: Float64Array | null = null;
  /** Subtracted from each sample before the projection, [D] (or 0). */
  inputSubtract: Float64Array | number = 0;
  /** Each sample is divided by it before the projection. */
  inputDivide: Float64Array | number = 1;

  constructor(options: LinearProjectionOptions = {}) {
    if (options === null || typeof options !== 'object') throw invalidArgument('options must be an object');
    const unknown = Object.keys(options).filter((k) => k !== 'pinv');
    if (unknown.length > 0) throw invalidArgument(`unknown option(s) ${unknown.join(', ')}; valid: pinv`);
    this.pinv = options.pinv ?? false;
  }

  get nFeatures(): number {
    return this.weights === null ? 0 : Math.round(Math.sqrt(this.weights.length));
  }

  /** Projects samples [n, D]: ((x - inputSubtract) / inputDivide) W. */
  transform(X: HostRowsInput): HostRows {
    if (this.weights === null) throw invalidArgument(`${this.constructor.name}: fit it (or set its weights) before transform`);
    const x = hostRows(X, 'X');
    const d = this.nFeatures;
    const [n, features] = x.shape;
    if (features !== d) throw invalidArgument(`X has ${features} features; the projection takes ${d}`);
    const at = (v: Float64Array | number, j: number) => (typeof v === 'number' ? v : v[j]);
    const out = new Float64Array(n * d);
    const row = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) row[j] = (x.data[i * d + j] - at(this.inputSubtract, j)) / at(this.inputDivide, j);
      for (let k = 0; k < d; k++) {
        let s = 0;
        for (let j = k; j < d; j++) s += row[j] * this.weights[j * d + k]; // W lower: W[j][k] = 0 for j < k
        out[i * d + k] = s;
      }
    }
    return { data: out, shape: [n, d] };
  }

  /** W from a covariance [D, D]: the lower Cholesky factor of its inverse (or pseudo-inverse). */
  protected setWeightsFrom(covariance: Float64Array, d: number, what: string): void {
    const inverse = this.pinv ? symmetricPseudoInverse(covariance, d) : inverseSpd(covariance, d);
    const l = inverse === null ? -1 : cholesky(inverse, d);
    if (inverse === null || typeof l === 'number') {
      const advice = this.pinv ? 'its pseudo-inverse is singular too: remove features that are linear combinations of others' : 'give more samples, or pinv: true';
      throw new TfjsEmError('INVALID_DATA', `${this.constructor.name}: the ${what} is singular (not positive definite): ${advice}`);
    }
    this.weights = l;
  }
}
