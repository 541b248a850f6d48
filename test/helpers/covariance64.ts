/**
 * A plain float64 EM for every covariance type, written from the textbook (Bishop 9.2,
 * scikit-learn's _estimate_gaussian_covariances_<type>): per-sample loops, covariances as
 * matrices, inverses and log-determinants by Gauss-Jordan elimination with partial pivoting
 * (not the library's Cholesky), responsibilities by log-sum-exp. The yardstick of the float32
 * device paths of full, tied and spherical covariances.
 */
export type Type = 'diag' | 'full' | 'tied' | 'spherical';

export interface Model64 {
  weights: number[];
  means: number[][];
  /** One D x D matrix per Gaussian, whatever the type (tied: the same one). */
  covariances: number[][][];
}

/** Inverse and log-determinant of a symmetric positive definite matrix. */
export function inverse64(a: number[][]): { inverse: number[][]; logDet: number } {
  const d = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))]);
  let logDet = 0;
  for (let c = 0; c < d; c++) {
    let pivot = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    const p = m[c][c];
    logDet += Math.log(Math.abs(p));
    for (let j = 0; j < 2 * d; j++) m[c][j] /= p;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = m[r][c];
      if (f !== 0) for (let j = 0; j < 2 * d; j++) m[r][j] -= f * m[c][j];
    }
  }
  return { inverse: m.map((row) => row.slice(d)), logDet };
}

/** log(w_k N(x | k)) for every Gaussian. */
export function logWeighted64(x: number[], g: Model64): number[] {
  const d = x.length;
  return g.means.map((mu, k) => {
    const { inverse, logDet } = inverse64(g.covariances[k]);
    const diff = x.map((v, j) => v - mu[j]);
    let quad = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) quad += diff[i] * inverse[i][j] * diff[j];
    return Math.log(g.weights[k]) - 0.5 * (d * Math.log(2 * Math.PI) + logDet + quad);
  });
}

export function logSumExp(a: number[]): number {
  const m = Math.max(...a);
  return m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0));
}

export function scores64(data: number[][], g: Model64): number[] {
  return data.map((x) => logSumExp(logWeighted64(x, g)));
}

/** One ML EM step (all parameters updated), scikit-learn's estimates with reg added to the diagonal. */
export function emStep64(data: number[][], g: Model64, type: Type, reg: number): { model: Model64; average: number } {
  const k = g.weights.length;
  const d = data[0].length;
  const resp: number[][] = [];
  let total = 0;
  for (const x of data) {
    const lwl = logWeighted64(x, g);
    const ll = logSumExp(lwl);
    total += ll;
    resp.push(lwl.map((l) => Math.exp(l - ll)));
  }
  const nk = Array.from({ length: k }, (_, c) => resp.reduce((s, r) => s + r[c], 0));
  const means = Array.from({ length: k }, (_, c) => Array.from({ length: d }, (_, j) => data.reduce((s, x, i) => s + resp[i][c] * x[j], 0) / nk[c]));
  const scatter = (c: number) => {
    const s = Array.from({ length: d }, () => new Array(d).fill(0));
    data.forEach((x, i) => {
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s[a][b] += resp[i][c] * (x[a] - means[c][a]) * (x[b] - means[c][b]);
    });
    return s;
  };
  const scatters = Array.from({ length: k }, (_, c) => scatter(c));
  const withReg = (m: number[][]) => m.map((row, a) => row.map((v, b) => v + (a === b ? reg : 0)));
  let covariances: number[][][];
  if (type === 'full') covariances = scatters.map((s, c) => withReg(s.map((row) => row.map((v) => v / nk[c]))));
  else if (type === 'tied') {
    const pooled = scatters.reduce((acc, s) => acc.map((row, a) => row.map((v, b) => v + s[a][b])));
    const n = nk.reduce((a, b) => a + b, 0);
    covariances = new Array(k).fill(withReg(pooled.map((row) => row.map((v) => v / n))));
  } else {
    covariances = scatters.map((s, c) => {
      const variances = s.map((row, a) => row[a] / nk[c]);
      const spherical = variances.reduce((a, b) => a + b, 0) / d;
      return Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? (type === 'spherical' ? spherical : variances[a]) : 0)));
    });
  }
  return { model: { weights: nk.map((v) => v / data.length), means, covariances }, average: total / data.length };
}
