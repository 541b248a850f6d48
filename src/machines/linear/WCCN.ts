import { invalidArgument } from '../../errors.js';
import { type HostRowsInput, hostRows } from '../../data/hostRows.js';
import { LinearProjection } from './LinearProjection.js';

/**
 * bob.learn.em's WCCN (within-class covariance normalisation; Hatch et al. 2006): fit learns W,
 * the lower Cholesky factor of the inverse of S_w / K, S_w the within-class scatter
 * sum_k sum_{n in k} (x_n - m_k)(x_n - m_k)^T of K classes; transform is x W (no centring).
 */
export class WCCN extends LinearProjection {
  /** y: each sample's class (any numbers or strings). */
  fit(X: HostRowsInput, y: ArrayLike<number | string>): this {
    const x = hostRows(X, 'X');
    const [n, d] = x.shape;
    if (y === null || typeof y !== 'object' || y.length !== n) throw invalidArgument(`WCCN.fit: y must hold one class per sample (${n}); got ${y?.length}`);
    if (n < 1 || d < 1) throw invalidArgument(`WCCN.fit needs samples of at least 1 feature; got [${x.shape}]`);
    const classes = new Map<number | string, number[]>();
    Array.from(y).forEach((label, i) => classes.set(label, [...(classes.get(label) ?? []), i]));
    const scatter = new Float64Array(d * d);
    for (const members of classes.values()) {
      const mean = new Float64Array(d);
      for (const i of members) for (let j = 0; j < d; j++) mean[j] += x.data[i * d + j] / members.length;
      for (const i of members) {
        for (let a = 0; a < d; a++) {
          const ca = x.data[i * d + a] - mean[a];
          for (let b = 0; b <= a; b++) scatter[a * d + b] += ca * (x.data[i * d + b] - mean[b]);
        }
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) [scatter[a * d + b], scatter[b * d + a]] = [scatter[a * d + b] / classes.size, scatter[a * d + b] / classes.size];
    this.setWeightsFrom(scatter, d, 'within-class covariance');
    [this.inputSubtract, this.inputDivide] = [0, 1];
    return this;
  }
}
