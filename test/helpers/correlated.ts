/**
 * Data for the covariance types' precision tests: Gaussians with correlated features (a random
 * rotation of each), condition numbers up to `condition`, means offset by `offset` from 0.
 */
import { Random } from '../../src/math/random.js';
import { gaussian } from './synthetic.js';
import type { Model64, Type } from './covariance64.js';

/** A random rotation [D, D] (Gram-Schmidt of a Gaussian matrix). */
function rotation(d: number, rng: Random): number[][] {
  const q: number[][] = [];
  for (let i = 0; i < d; i++) {
    let v = Array.from({ length: d }, () => gaussian(rng));
    for (const u of q) {
      const dot = v.reduce((s, x, j) => s + x * u[j], 0);
      v = v.map((x, j) => x - dot * u[j]);
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    q.push(v.map((x) => x / norm));
  }
  return q;
}

/** Q diag(lambda) Q^T with eigenvalues spread geometrically from scale to scale / condition. */
function covariance(d: number, condition: number, scale: number, rng: Random): number[][] {
  const q = rotation(d, rng);
  const lambda = Array.from({ length: d }, (_, i) => scale * condition ** (-i / Math.max(1, d - 1)));
  return Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => q.reduce((s, row, i) => s + lambda[i] * row[a] * row[b], 0)));
}

function cholesky(a: number[][]): number[][] {
  const d = a.length;
  const l = a.map(() => new Array(d).fill(0));
  for (let j = 0; j < d; j++) {
    let s = a[j][j];
    for (let m = 0; m < j; m++) s -= l[j][m] ** 2;
    l[j][j] = Math.sqrt(s);
    for (let i = j + 1; i < d; i++) {
      let t = a[i][j];
      for (let m = 0; m < j; m++) t -= l[i][m] * l[j][m];
      l[i][j] = t / l[j][j];
    }
  }
  return l;
}

/** A model of the type: K Gaussians about `offset`, their means `spread` apart (in units of the largest standard deviation). */
export function correlatedModel(type: Type, k: number, d: number, o: { condition: number; offset: number; spread: number; seed: number }): Model64 {
  const rng = new Random(o.seed);
  const shared = covariance(d, o.condition, 1, rng);
  const covariances = Array.from({ length: k }, (_, c) => {
    if (type === 'tied') return shared;
    if (type === 'full') return covariance(d, o.condition, 0.5 + c / k, rng);
    const variances = Array.from({ length: d }, (_, j) => (type === 'spherical' ? 0.5 + c / k : o.condition ** (-((j + c) % d) / Math.max(1, d - 1))));
    return variances.map((v, a) => variances.map((_, b) => (a === b ? v : 0)));
  });
  const means = Array.from({ length: k }, () => Array.from({ length: d }, () => o.offset + o.spread * gaussian(rng)));
  const weights = Array.from({ length: k }, (_, c) => (c + 2) / Array.from({ length: k }, (_, i) => i + 2).reduce((a, b) => a + b));
  return { weights, means, covariances };
}

/** n samples of a model (float64 rows). */
export function sampleModel(g: Model64, n: number, seed: number): number[][] {
  const rng = new Random(seed);
  const factors = g.covariances.map(cholesky);
  return Array.from({ length: n }, () => {
    const c = rng.weightedIndex(g.weights);
    const z = g.means[c].map(() => gaussian(rng));
    return g.means[c].map((m, a) => m + factors[c][a].reduce((s, l, b) => s + l * z[b], 0));
  });
}
