/**
 * The page's plots, drawn by Observable Plot: a histogram of the scores, the samples with each
 * Gaussian's 1- and 2-sigma ellipses, and the DET curve on probit axes.
 */
import * as Plot from '@observablehq/plot';
import type { HostArray2D } from '../../src/index.js';
import { DET_TICKS, detAxisPosition, detTickLabel } from '../../src/math/det.js';
import type { Bins, Det, MachineSummary } from './protocol.js';

const COLOURS = ['#2f6fdb', '#d9480f', '#2b8a3e', '#862e9c', '#c2255c', '#0b7285', '#e67700', '#5c940d'];
/** Room for a tick label such as "−1.23e+4" left of the y axis. */
const MARGIN_LEFT = 64;
/** Points on each ellipse. */
const ELLIPSE_POINTS = 64;

/** Tick labels: four significant digits, or an exponent for very large or small values. */
function short(v: number): string {
  const text = Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
  return text.replace(/^-/, '−');
}

/** Histogram of the scores as the worker binned them: one bar a bin, its count in its title. */
export function histogram({ lo, hi, counts }: Bins, what: string): SVGSVGElement | HTMLElement {
  const width = (hi - lo) / counts.length;
  const bars = counts.map((count, i) => ({ x1: lo + i * width, x2: lo + (i + 1) * width, count }));
  return Plot.plot({
    width: 420,
    height: 260,
    marginLeft: MARGIN_LEFT,
    marginRight: 24,
    x: { label: what, tickFormat: short, ticks: 5 },
    y: { label: 'samples', grid: true, tickFormat: short },
    marks: [
      Plot.rectY(bars, {
        x1: 'x1', x2: 'x2', y: 'count', fill: COLOURS[0], insetLeft: 0.5, insetRight: 0.5, ariaDescription: 'bars',
        title: (b: (typeof bars)[number]) => `${short(b.x1)} to ${short(b.x2)}: ${b.count}`,
      }),
      Plot.ruleY([0]),
    ],
  });
}

interface Ellipses {
  machine: MachineSummary;
  /** The UBM: dashed grey. */
  ubm: boolean;
}

interface EllipsePoint {
  x: number;
  y: number;
  gaussian: number;
}

/**
 * Each Gaussian's `sigmas`-sigma ellipse in features 0 and 1: the unit circle mapped by the
 * Cholesky factor L of the 2 x 2 covariance block (L L^T = block), so that full and tied
 * covariances give rotated ellipses and diagonal ones axis-aligned.
 */
function ellipses({ nGaussians, nFeatures, means, plane }: MachineSummary, sigmas: number): EllipsePoint[] {
  const points: EllipsePoint[] = [];
  for (let k = 0; k < nGaussians; k++) {
    const [mx, my] = [means[k * nFeatures], means[k * nFeatures + 1]];
    const [a, b, c] = [plane[k * 3], plane[k * 3 + 1], plane[k * 3 + 2]];
    const l00 = Math.sqrt(a);
    const l10 = b / l00;
    const l11 = Math.sqrt(Math.max(0, c - l10 * l10));
    for (let i = 0; i <= ELLIPSE_POINTS; i++) {
      const angle = (2 * Math.PI * i) / ELLIPSE_POINTS;
      const [u, v] = [sigmas * Math.cos(angle), sigmas * Math.sin(angle)];
      points.push({ x: mx + l00 * u, y: my + l10 * u + l11 * v, gaussian: k });
    }
  }
  return points;
}

/**
 * Samples (features 0 and 1) with each Gaussian's ellipses, one line mark per machine and
 * sigma: aria-description "model 1-sigma ellipses", "UBM 2-sigma ellipses" and so on.
 */
export function scatter(x: HostArray2D, models: Ellipses[]): SVGSVGElement | HTMLElement {
  const marks: Plot.Markish[] = [
    Plot.frame({ stroke: '#d1d5db' }),
    Plot.dot({ length: x.shape[0] }, {
      x: (_: unknown, i: number) => x.data[2 * i], y: (_: unknown, i: number) => x.data[2 * i + 1],
      r: 2, fill: '#374151', fillOpacity: 0.45, ariaDescription: 'samples',
    }),
  ];
  for (const { machine, ubm } of models) {
    const colour = (p: EllipsePoint) => (ubm ? '#6b7280' : COLOURS[p.gaussian % COLOURS.length]);
    for (const sigmas of [1, 2]) {
      marks.push(Plot.line(ellipses(machine, sigmas), {
        x: 'x', y: 'y', z: 'gaussian', stroke: colour, strokeWidth: sigmas === 1 ? 2 : 1.2,
        strokeDasharray: ubm ? '5 4' : sigmas === 2 ? '2 3' : undefined,
        title: (p: EllipsePoint) => `Gaussian ${p.gaussian}`, ariaDescription: `${ubm ? 'UBM' : 'model'} ${sigmas}-sigma ellipses`,
      }));
    }
    const centres = Array.from({ length: machine.nGaussians }, (_, k) => ({
      x: machine.means[k * machine.nFeatures], y: machine.means[k * machine.nFeatures + 1], gaussian: k,
    }));
    marks.push(Plot.dot(centres, { x: 'x', y: 'y', symbol: 'plus', r: 5, stroke: colour, strokeWidth: 2 }));
  }
  return Plot.plot({
    width: 420,
    height: 420,
    marginLeft: MARGIN_LEFT,
    marginRight: 24,
    marginBottom: 36,
    x: { label: 'feature 0', tickFormat: short, ticks: 5 },
    y: { label: 'feature 1', tickFormat: short, ticks: 5 },
    marks,
  });
}

/**
 * The DET curve on normal-deviate axes as in speaker verification (the command line's ticks),
 * with the diagonal and the EER point.
 */
export function detPlot({ curve, eer }: Det): SVGSVGElement | HTMLElement {
  const ticks = DET_TICKS.map(detAxisPosition);
  const labels = new Map(DET_TICKS.map((t) => [detAxisPosition(t), detTickLabel(t)]));
  const axis = { domain: [ticks[0], ticks[ticks.length - 1]], ticks, tickFormat: (z: number) => labels.get(z) ?? '', grid: true };
  const at = detAxisPosition(eer);
  return Plot.plot({
    width: 420,
    height: 420,
    marginLeft: 48,
    marginRight: 24,
    marginBottom: 40,
    x: { ...axis, label: 'False alarm probability (%)', labelAnchor: 'center', labelArrow: 'none' },
    y: { ...axis, label: 'Miss probability (%)', labelAnchor: 'center', labelArrow: 'none' },
    marks: [
      Plot.frame(),
      Plot.line([ticks[0], ticks[ticks.length - 1]], { x: (z: number) => z, y: (z: number) => z, stroke: '#9ca3af', strokeDasharray: '4 4' }),
      Plot.line(curve, { x: (p) => detAxisPosition(p.far), y: (p) => detAxisPosition(p.frr), stroke: COLOURS[0], strokeWidth: 2, ariaDescription: 'DET curve' }),
      Plot.dot([at], { x: (z: number) => z, y: (z: number) => z, r: 4, fill: '#c92a2a', ariaDescription: 'EER' }),
      Plot.text([at], {
        x: (z: number) => z, y: (z: number) => z, text: () => `EER ${(100 * eer).toFixed(2)}%`, fill: '#c92a2a',
        // Beside the point, on the side with room.
        ...(at < (ticks[0] + ticks[ticks.length - 1]) / 2 ? { dx: 8, textAnchor: 'start' } : { dx: -8, textAnchor: 'end' }),
      }),
    ],
  });
}
