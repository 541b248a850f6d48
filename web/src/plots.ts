/**
 * The page's plots, drawn by Observable Plot: a histogram of the scores, the samples with each
 * Gaussian's 1- and 2-sigma ellipses, and the DET curve on probit axes.
 */
import * as Plot from '@observablehq/plot';
import type { HostArray2D } from '../../src/index.js';
import { DET_TICKS, detAxisPosition, detTickLabel, probit } from '../../src/math/det.js';
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

/** The widest a plot is drawn; narrower where the page is (a phone), so that its text keeps its size. */
const PLOT_WIDTH = 420;

/** A plot's width in a container of this many pixels. */
export const plotWidth = (available: number) => Math.max(240, Math.min(PLOT_WIDTH, Math.floor(available)));

/**
 * Histogram of the scores as the worker binned them: one bar a bin, its count in its title; with
 * labels, the genuine and the impostor scores as two overlaid series on the same bins.
 */
export function histogram({ lo, hi, counts, split }: Bins, what: string, width = PLOT_WIDTH): SVGSVGElement | HTMLElement {
  const step = (hi - lo) / counts.length;
  const bars = (values: number[], series: string) => values.map((count, i) => ({ x1: lo + i * step, x2: lo + (i + 1) * step, count, series }));
  const title = (b: { x1: number; x2: number; count: number; series: string }) => `${b.series}${short(b.x1)} to ${short(b.x2)}: ${b.count}`;
  const marks =
    split === undefined
      ? [Plot.rectY(bars(counts, ''), { x1: 'x1', x2: 'x2', y: 'count', fill: COLOURS[0], insetLeft: 0.5, insetRight: 0.5, ariaDescription: 'bars', title })]
      : [
          Plot.rectY(bars(split.impostor, 'impostor, '), {
            x1: 'x1', x2: 'x2', y: 'count', fill: IMPOSTOR, fillOpacity: 0.55, insetLeft: 0.5, insetRight: 0.5, ariaDescription: 'impostor bars', title,
          }),
          Plot.rectY(bars(split.genuine, 'genuine, '), {
            x1: 'x1', x2: 'x2', y: 'count', fill: GENUINE, fillOpacity: 0.55, insetLeft: 0.5, insetRight: 0.5, ariaDescription: 'genuine bars', title,
          }),
        ];
  return Plot.plot({
    width,
    height: Math.round((width * 260) / PLOT_WIDTH),
    marginLeft: MARGIN_LEFT,
    marginRight: 24,
    x: { label: what, tickFormat: short, ticks: 5 },
    y: { label: 'samples', grid: true, tickFormat: short },
    marks: [...marks, Plot.ruleY([0])],
  });
}

const GENUINE = '#2b8a3e';
const IMPOSTOR = '#d9480f';

/** The histogram's legend with labels: which colour is which. */
export function histogramLegend(split: boolean): string {
  return split ? `<span style="color:${GENUINE}">■ genuine</span><span style="color:${IMPOSTOR}">■ impostor</span>` : '';
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

/** A machine's covariance block of features i and j per Gaussian, [K, 3]: var_i, cov_ij, var_j. */
export function planeOf({ nGaussians: k, nFeatures: d, variances, covariances, tied }: MachineSummary, i: number, j: number): Float64Array {
  const out = new Float64Array(k * 3);
  for (let g = 0; g < k; g++) {
    const at = tied ? 0 : g * d * d;
    out[g * 3] = variances[g * d + i];
    out[g * 3 + 1] = covariances === null || i === j ? (i === j ? variances[g * d + i] : 0) : covariances[at + i * d + j];
    out[g * 3 + 2] = variances[g * d + j];
  }
  return out;
}

/**
 * Each Gaussian's `sigmas`-sigma ellipse in features i and j: the unit circle mapped by the
 * Cholesky factor L of the 2 x 2 covariance block (L L^T = block), so that full and tied
 * covariances give rotated ellipses and diagonal ones axis-aligned.
 */
function ellipses(machine: MachineSummary, i: number, j: number, sigmas: number): EllipsePoint[] {
  const { nGaussians, nFeatures, means } = machine;
  const plane = planeOf(machine, i, j);
  const points: EllipsePoint[] = [];
  for (let k = 0; k < nGaussians; k++) {
    const [mx, my] = [means[k * nFeatures + i], means[k * nFeatures + j]];
    const [a, b, c] = [plane[k * 3], plane[k * 3 + 1], plane[k * 3 + 2]];
    const l00 = Math.sqrt(a);
    const l10 = b / l00;
    const l11 = Math.sqrt(Math.max(0, c - l10 * l10));
    for (let p = 0; p <= ELLIPSE_POINTS; p++) {
      const angle = (2 * Math.PI * p) / ELLIPSE_POINTS;
      const [u, v] = [sigmas * Math.cos(angle), sigmas * Math.sin(angle)];
      points.push({ x: mx + l00 * u, y: my + l10 * u + l11 * v, gaussian: k });
    }
  }
  return points;
}

/**
 * Samples (features i and j, as `x` holds them) with each Gaussian's ellipses, one line mark per
 * machine and sigma: aria-description "model 1-sigma ellipses", "UBM 2-sigma ellipses" and so on.
 */
export function scatter(x: HostArray2D, models: Ellipses[], [i, j] = [0, 1], width = PLOT_WIDTH): SVGSVGElement | HTMLElement {
  const marks: Plot.Markish[] = [
    Plot.frame({ stroke: '#d1d5db' }),
    Plot.dot({ length: x.shape[0] }, {
      x: (_: unknown, r: number) => x.data[2 * r], y: (_: unknown, r: number) => x.data[2 * r + 1],
      r: 2, fill: '#374151', fillOpacity: 0.45, ariaDescription: 'samples',
    }),
  ];
  for (const { machine, ubm } of models) {
    const colour = (p: EllipsePoint) => (ubm ? '#6b7280' : COLOURS[p.gaussian % COLOURS.length]);
    for (const sigmas of [1, 2]) {
      marks.push(Plot.line(ellipses(machine, i, j, sigmas), {
        x: 'x', y: 'y', z: 'gaussian', stroke: colour, strokeWidth: sigmas === 1 ? 2 : 1.2,
        strokeDasharray: ubm ? '5 4' : sigmas === 2 ? '2 3' : undefined,
        title: (p: EllipsePoint) => `Gaussian ${p.gaussian}`, ariaDescription: `${ubm ? 'UBM' : 'model'} ${sigmas}-sigma ellipses`,
      }));
    }
    const centres = Array.from({ length: machine.nGaussians }, (_, k) => ({
      x: machine.means[k * machine.nFeatures + i], y: machine.means[k * machine.nFeatures + j], gaussian: k,
    }));
    marks.push(Plot.dot(centres, { x: 'x', y: 'y', symbol: 'plus', r: 5, stroke: colour, strokeWidth: 2 }));
  }
  return Plot.plot({
    width,
    height: width,
    marginLeft: MARGIN_LEFT,
    marginRight: 24,
    marginBottom: 36,
    x: { label: `feature ${i}`, tickFormat: short, ticks: 5 },
    y: { label: `feature ${j}`, tickFormat: short, ticks: 5 },
    marks,
  });
}

/** The scatter plot's legend (HTML): the samples, the model's Gaussians and the UBM's. */
export function scatterLegend(withUbm: boolean): string {
  const parts = [
    '<span>● samples</span>',
    `<span style="color:${COLOURS[0]}">━ model Gaussians: 1σ solid, 2σ dotted, + mean</span>`,
  ];
  if (withUbm) parts.push('<span style="color:#6b7280">╌ UBM Gaussians</span>');
  return parts.join('');
}

/** Where a rate of 0 or 1 is drawn: beyond the frame, so that the curve leaves it there and is clipped. */
const OFF_FRAME = 8;

/**
 * The DET curve on normal-deviate axes as in speaker verification (the command line's ticks),
 * with the diagonal and the EER point. The curve is drawn where it is and clipped at the frame
 * (not clamped onto its edges, which would draw segments that are not in the data); the 0.2 %
 * tick keeps its grid line but not its label, which would touch 0.1 %'s.
 */
export function detPlot({ curve, eer }: Det, width = PLOT_WIDTH): SVGSVGElement | HTMLElement {
  const ticks = DET_TICKS.map(detAxisPosition);
  const labels = new Map(DET_TICKS.filter((t) => t !== 0.002).map((t) => [detAxisPosition(t), detTickLabel(t)]));
  const axis = { domain: [ticks[0], ticks[ticks.length - 1]], ticks, tickFormat: (z: number) => labels.get(z) ?? '', grid: true };
  const at = detAxisPosition(eer);
  const position = (rate: number) => (rate <= 0 ? -OFF_FRAME : rate >= 1 ? OFF_FRAME : probit(rate));
  return Plot.plot({
    width,
    height: width,
    marginLeft: 48,
    marginRight: 24,
    marginBottom: 40,
    x: { ...axis, label: 'False alarm probability (%)', labelAnchor: 'center', labelArrow: 'none' },
    y: { ...axis, label: 'Miss probability (%)', labelAnchor: 'center', labelArrow: 'none' },
    marks: [
      Plot.frame(),
      Plot.line([ticks[0], ticks[ticks.length - 1]], { x: (z: number) => z, y: (z: number) => z, stroke: '#9ca3af', strokeDasharray: '4 4' }),
      Plot.line(curve, {
        x: (p) => position(p.far), y: (p) => position(p.frr), stroke: COLOURS[0], strokeWidth: 2, clip: true, ariaDescription: 'DET curve',
      }),
      Plot.dot([at], { x: (z: number) => z, y: (z: number) => z, r: 4, fill: '#c92a2a', ariaDescription: 'EER' }),
      Plot.text([at], {
        x: (z: number) => z, y: (z: number) => z, text: () => `EER ${(100 * eer).toFixed(2)}%`, fill: '#c92a2a',
        // Beside the point, on the side with room.
        ...(at < (ticks[0] + ticks[ticks.length - 1]) / 2 ? { dx: 8, textAnchor: 'start' } : { dx: -8, textAnchor: 'end' }),
      }),
    ],
  });
}
