/**
 * Error rates of a verification system: the DET curve, its equal error rate, and the probit
 * axes it is drawn on (the command line's chart and the scoring page share them).
 */

export interface DetPoint {
  /** False acceptance rate: impostor trials scored at or above the threshold. */
  far: number;
  /** False rejection rate: genuine trials scored below the threshold. */
  frr: number;
}

/** (FAR, FRR) at every distinct score used as the threshold, FAR decreasing. */
export function detCurve(genuine: number[], impostor: number[]): DetPoint[] {
  const g = [...genuine].sort((a, b) => a - b);
  const im = [...impostor].sort((a, b) => a - b);
  const thresholds = [...new Set([...g, ...im])].sort((a, b) => a - b);
  const points: DetPoint[] = [{ far: 1, frr: 0 }];
  let gi = 0;
  let ii = 0;
  for (const t of thresholds) {
    while (gi < g.length && g[gi] < t) gi++;
    while (ii < im.length && im[ii] < t) ii++;
    points.push({ far: (im.length - ii) / im.length, frr: gi / g.length });
  }
  points.push({ far: 0, frr: 1 });
  return points;
}

/** Where the curve crosses FAR = FRR, interpolated linearly between the two points around it. */
export function equalErrorRate(curve: DetPoint[]): number {
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1].far - curve[i - 1].frr;
    const b = curve[i].far - curve[i].frr;
    if (a > 0 && b <= 0) {
      const t = a / (a - b);
      return curve[i - 1].far + t * (curve[i].far - curve[i - 1].far);
    }
  }
  throw new Error('the curve runs from (1, 0) to (0, 1), so it crosses FAR = FRR');
}

/** The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function probit(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -probit(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** The rates marked on a DET chart's axes; rates outside them are drawn at the nearest end. */
export const DET_TICKS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6];

/** A rate's position on a DET axis: its normal deviate, clipped to the ticks' range. */
export function detAxisPosition(rate: number): number {
  return probit(Math.min(Math.max(rate, DET_TICKS[0]), DET_TICKS[DET_TICKS.length - 1]));
}

/** A tick's label: the rate in percent, two significant digits ("0.1", "5", "40"). */
export function detTickLabel(rate: number): string {
  return `${+(rate * 100).toPrecision(2)}`;
}
