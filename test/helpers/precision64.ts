/**
 * A float64 EM to measure the float32 device path against: direct differences,
 * responsibilities kept, then means and variances in two passes (variances
 * about the new means, MAP moments about the UBM's means), so that it has no
 * cancellation of its own, however far the data lie from 0.
 */
export interface Model64 {
  weights: number[];
  means: number[][];
  variances: number[][];
}

export function logWeighted64(x: ArrayLike<number>, g: Model64): number[] {
  return g.means.map((mu, k) => {
    let z = mu.length * Math.log(2 * Math.PI);
    for (let j = 0; j < mu.length; j++) z += Math.log(g.variances[k][j]) + (x[j] - mu[j]) ** 2 / g.variances[k][j];
    return Math.log(g.weights[k]) - 0.5 * z;
  });
}

export function logSum64(a: number[]): number {
  const m = Math.max(...a);
  return m === -Infinity ? m : m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0));
}

/** log p(x_i) per row. */
export function logLikelihood64(data: number[][], g: Model64): number[] {
  return data.map((x) => logSum64(logWeighted64(x, g)));
}

function responsibilities64(data: number[][], g: Model64): { r: number[][]; n: number[] } {
  const n = g.weights.map(() => 0);
  const r = data.map((x) => {
    const lwl = logWeighted64(x, g);
    const ll = logSum64(lwl);
    return lwl.map((l, k) => {
      const v = Math.exp(l - ll);
      n[k] += v;
      return v;
    });
  });
  return { r, n };
}

/** sum_i r_ik (x_i - about_k)^p / n_k, per Gaussian and feature. */
function moment(data: number[][], r: number[][], n: number[], about: number[][], p: 1 | 2): number[][] {
  return about.map((a, k) =>
    a.map((aj, j) => data.reduce((s, x, i) => s + r[i][k] * (x[j] - aj) ** p, 0) / n[k]),
  );
}

/** One maximum-likelihood step (every parameter updated; no Gaussian below the threshold). */
export function mlStep64(data: number[][], g: Model64): Model64 {
  const { r, n } = responsibilities64(data, g);
  const zero = g.means.map((mu) => mu.map(() => 0));
  const means = moment(data, r, n, zero, 1);
  return { weights: n.map((v) => v / data.length), means, variances: moment(data, r, n, means, 2) };
}

/**
 * One MAP step from a UBM (Reynolds' relevance factor; every parameter updated):
 * with c = x - mu_ubm, mean = mu_ubm + a E[c], var = a E[c^2] + (1 - a) var_ubm - a^2 E[c]^2.
 */
export function mapStep64(data: number[][], ubm: Model64, relevanceFactor: number): Model64 {
  const { r, n } = responsibilities64(data, ubm);
  const c1 = moment(data, r, n, ubm.means, 1);
  const c2 = moment(data, r, n, ubm.means, 2);
  const alpha = n.map((v) => v / (v + relevanceFactor));
  const w = alpha.map((a, k) => a * (n[k] / data.length) + (1 - a) * ubm.weights[k]);
  const total = w.reduce((s, v) => s + v, 0);
  return {
    weights: w.map((v) => v / total),
    means: ubm.means.map((mu, k) => mu.map((u, j) => u + alpha[k] * c1[k][j])),
    variances: ubm.variances.map((v, k) =>
      v.map((vj, j) => alpha[k] * c2[k][j] + (1 - alpha[k]) * vj - alpha[k] ** 2 * c1[k][j] ** 2),
    ),
  };
}

/**
 * What float32 can give at best: the device sees y = x - shift (shift: the weighted
 * centre of the means) and nu = mu - shift rounded to float32, |errors| <= 2^-24 |y_j|
 * and 2^-24 |nu_kj|, which move log(w_k N(x | k)) by up to
 * sum_j (|x_j - mu_kj| e_j + e_j^2 / 2) / var_kj with e_j the two summed; the bound
 * of the Gaussian that dominates the sample.
 */
export function float32InputBound(x: ArrayLike<number>, g: Model64): number {
  const total = g.weights.reduce((s, w) => s + w, 0);
  const lwl = logWeighted64(x, g);
  const k = lwl.indexOf(Math.max(...lwl));
  let bound = 0;
  for (let j = 0; j < x.length; j++) {
    const shift = g.means.reduce((s, mu, i) => s + (g.weights[i] / total) * mu[j], 0);
    const e = 2 ** -24 * (Math.abs(x[j] - shift) + Math.abs(g.means[k][j] - shift));
    bound += (Math.abs(x[j] - g.means[k][j]) * e + (e * e) / 2) / g.variances[k][j];
  }
  return bound;
}
