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

/**
 * One MAP step from a UBM (Reynolds et al. 2000) with relevance factor r, every parameter
 * adapted: means u + alpha E[c], weights alpha n / T + (1 - alpha) w_ubm normalised, and
 * full: alpha E[c c^T] + (1 - alpha) Sigma_ubm - alpha^2 E[c] E[c]^T + reg (c = x - u);
 * spherical: the diagonal's Reynolds variances averaged over the features;
 * tied: abar S / N + (1 - abar) Sigma_ubm + sum_k (n_k / N)(1 - alpha_k)(u_k - m_k)(u_k - m_k)^T + reg,
 * with S the scatter about the new means pooled over the Gaussians and abar = sum_k n_k alpha_k / N.
 */
export function mapStep64(data: number[][], g: Model64, ubm: Model64, type: Type, r: number, reg: number): Model64 {
  const k = g.weights.length;
  const d = data[0].length;
  const resp = data.map((x) => {
    const lwl = logWeighted64(x, g);
    const ll = logSumExp(lwl);
    return lwl.map((l) => Math.exp(l - ll));
  });
  const n = Array.from({ length: k }, (_, c) => resp.reduce((s, row) => s + row[c], 0));
  const alpha = n.map((v) => v / (v + r));
  const raw = alpha.map((a, c) => a * (n[c] / data.length) + (1 - a) * ubm.weights[c]);
  const weights = raw.map((w) => w / raw.reduce((s, v) => s + v, 0));
  const ec = Array.from({ length: k }, (_, c) => Array.from({ length: d }, (_, j) => data.reduce((s, x, i) => s + resp[i][c] * (x[j] - ubm.means[c][j]), 0) / n[c]));
  const means = ec.map((e, c) => e.map((v, j) => ubm.means[c][j] + alpha[c] * v));
  const eye = (a: number, b: number) => (a === b ? reg : 0);
  const outer = (c: number, centre: number[]) =>
    Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => data.reduce((s, x, i) => s + resp[i][c] * (x[a] - centre[a]) * (x[b] - centre[b]), 0)));
  let covariances: number[][][];
  if (type === 'tied') {
    const total = n.reduce((s, v) => s + v, 0);
    const abar = n.reduce((s, v, c) => s + v * alpha[c], 0) / total;
    const scatter = Array.from({ length: k }, (_, c) => outer(c, means[c])).reduce((acc, s) => acc.map((row, a) => row.map((v, b) => v + s[a][b])));
    const tied = scatter.map((row, a) =>
      row.map((v, b) => {
        let extra = 0;
        for (let c = 0; c < k; c++) extra += (n[c] / total) * (1 - alpha[c]) * (ubm.means[c][a] - means[c][a]) * (ubm.means[c][b] - means[c][b]);
        return (abar * v) / total + (1 - abar) * ubm.covariances[0][a][b] + extra + eye(a, b);
      }),
    );
    covariances = new Array(k).fill(tied);
  } else {
    covariances = Array.from({ length: k }, (_, c) => {
      const ecc = outer(c, ubm.means[c]).map((row) => row.map((v) => v / n[c]));
      const full = ecc.map((row, a) => row.map((v, b) => alpha[c] * v + (1 - alpha[c]) * ubm.covariances[c][a][b] - alpha[c] ** 2 * ec[c][a] * ec[c][b]));
      if (type === 'full') return full.map((row, a) => row.map((v, b) => v + eye(a, b)));
      const spherical = full.reduce((s, row, a) => s + row[a], 0) / d;
      return Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? spherical : 0)));
    });
  }
  return { weights, means, covariances };
}

/** ||a - b|| / ||b|| over all entries (Frobenius, relative to b). */
export function relativeFrobenius(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let [diff, norm] = [0, 0];
  for (let i = 0; i < b.length; i++) [diff, norm] = [diff + (a[i] - b[i]) ** 2, norm + b[i] ** 2];
  return Math.sqrt(diff / norm);
}
