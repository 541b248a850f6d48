/**
 * A plain float64 GMM written as bob's gmm.py reads (per-Gaussian loops, direct
 * differences, no centring tricks): the yardstick for the float32 device path.
 */
export interface Gmm64 {
  weights: number[];
  means: number[][];
  variances: number[][];
}

export interface Stats64 {
  logLikelihood: number;
  t: number;
  n: number[];
  sumPx: number[][];
  sumPxx: number[][];
}

export function logWeightedLikelihood64(x: number[], g: Gmm64): number[] {
  return g.means.map((mu, k) => {
    let z = mu.length * Math.log(2 * Math.PI);
    mu.forEach((m, j) => {
      z += Math.log(g.variances[k][j]) + (x[j] - m) ** 2 / g.variances[k][j];
    });
    return Math.log(g.weights[k]) - 0.5 * z;
  });
}

export function logSumExp64(a: number[]): number {
  const m = Math.max(...a);
  return m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0));
}

export function eStep64(data: number[][], g: Gmm64): Stats64 {
  const k = g.weights.length;
  const d = data[0].length;
  const s: Stats64 = {
    logLikelihood: 0,
    t: data.length,
    n: new Array(k).fill(0),
    sumPx: g.means.map(() => new Array(d).fill(0)),
    sumPxx: g.means.map(() => new Array(d).fill(0)),
  };
  for (const x of data) {
    const lwl = logWeightedLikelihood64(x, g);
    const ll = logSumExp64(lwl);
    s.logLikelihood += ll;
    lwl.forEach((l, c) => {
      const r = Math.exp(l - ll);
      s.n[c] += r;
      x.forEach((v, j) => {
        s.sumPx[c][j] += r * v;
        s.sumPxx[c][j] += r * v * v;
      });
    });
  }
  return s;
}

/** bob's ML m-step with all parameters updated and a variance floor. */
export function mlStep64(s: Stats64, floor: number, threshold: number): Gmm64 {
  const n = s.n.map((v) => Math.max(v, threshold));
  const means = s.sumPx.map((row, k) => row.map((v) => v / n[k]));
  const variances = s.sumPxx.map((row, k) => row.map((v, j) => Math.max(floor, v / n[k] - means[k][j] ** 2)));
  return { weights: n.map((v) => v / s.t), means, variances };
}

export function rows(flat: ArrayLike<number>, d: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length; i += d) out.push(Array.from(flat).slice(i, i + d));
  return out;
}
