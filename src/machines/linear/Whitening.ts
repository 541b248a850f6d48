import { invalidArgument } from '../../errors.js';
import { type HostRowsInput, hostRows } from '../../data/hostRows.js';
import { LinearProjection } from './LinearProjection.js';

/**
 * bob.learn.em's Whitening: fit learns the samples' mean and W, the lower Cholesky factor of the
 * inverse of their sample covariance (n - 1), so that transform's ((x - mean) W) has covariance I.
 */
export class Whitening extends LinearProjection {
  fit(X: HostRowsInput): this {
    const x = hostRows(X, 'X');
    const [n, d] = x.shape;
    if (n < 2 || d < 1) throw invalidArgument(`Whitening.fit needs at least 2 samples of at least 1 feature; got [${x.shape}]`);
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x.data[i * d + j] / n;
    const covariance = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d; a++) {
        const ca = x.data[i * d + a] - mean[a];
        for (let b = 0; b <= a; b++) covariance[a * d + b] += (ca * (x.data[i * d + b] - mean[b])) / (n - 1);
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) covariance[b * d + a] = covariance[a * d + b];
    this.setWeightsFrom(covariance, d, 'covariance of the samples');
    [this.inputSubtract, this.inputDivide] = [mean, 1];
    return this;
  }
}
