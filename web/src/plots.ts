/** SVG plots: a histogram of scores and a 2-D scatter with Gaussian ellipses. */
import type { HostArray2D } from '../../src/index.js';
import type { Bins, MachineSummary } from './protocol.js';

const NS = 'http://www.w3.org/2000/svg';
const COLOURS = ['#2f6fdb', '#d9480f', '#2b8a3e', '#862e9c', '#c2255c', '#0b7285', '#e67700', '#5c940d'];

function el(name: string, attributes: Record<string, string | number>, parent?: Element): SVGElement {
  const node = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  parent?.appendChild(node);
  return node;
}

function text(parent: Element, x: number, y: number, content: string, anchor = 'middle'): void {
  el('text', { x, y, 'text-anchor': anchor }, parent).textContent = content;
}

function short(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

/** Histogram of binned scores (the worker bins them). */
export function histogram({ lo, hi, counts }: Bins, width = 420, height = 240): SVGElement {
  const svg = el('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' });
  if (counts.length === 0) return svg;
  const bins = counts.length;
  const top = Math.max(...counts);
  const [left, right, above, below] = [48, 24, 10, 30];
  const w = (width - left - right) / bins;
  counts.forEach((c, i) => {
    const h = ((height - above - below) * c) / top;
    el('rect', { x: left + i * w, y: height - below - h, width: Math.max(1, w - 1), height: h, fill: COLOURS[0] }, svg);
  });
  el('line', { x1: left, y1: height - below, x2: width - right, y2: height - below, stroke: '#9ca3af' }, svg);
  text(svg, left, height - below + 16, short(lo), 'start');
  text(svg, width - right, height - below + 16, short(hi), 'end');
  text(svg, left - 4, above + 10, String(top), 'end');
  text(svg, left - 4, height - below, '0', 'end');
  return svg;
}

interface Ellipses {
  machine: MachineSummary;
  dashed: boolean;
}

/** Samples of 2-D data with each Gaussian's 1- and 2-sigma ellipses (diagonal covariances). */
export function scatter(x: HostArray2D, models: Ellipses[], every: number, total: number, size = 420): SVGElement {
  const n = x.shape[0];
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) xs.push(x.data[2 * i]), ys.push(x.data[2 * i + 1]);
  // The view holds the samples and the 2-sigma ellipses.
  for (const { machine } of models) {
    for (let k = 0; k < machine.nGaussians; k++) {
      const [mx, my] = [machine.means[2 * k], machine.means[2 * k + 1]];
      const [sx, sy] = [2 * Math.sqrt(machine.variances[2 * k]), 2 * Math.sqrt(machine.variances[2 * k + 1])];
      xs.push(mx - sx, mx + sx);
      ys.push(my - sy, my + sy);
    }
  }
  const range = (v: number[]) => {
    const lo = v.reduce((a, b) => Math.min(a, b));
    const hi = v.reduce((a, b) => Math.max(a, b));
    const pad = (hi - lo || 1) * 0.05;
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = range(xs);
  const [y0, y1] = range(ys);
  // Wide enough for a y label such as "-1.23e+4", whose minus sign would otherwise fall off the left edge.
  const m = 60;
  const px = (v: number) => m + ((v - x0) / (x1 - x0)) * (size - 2 * m);
  const py = (v: number) => size - m - ((v - y0) / (y1 - y0)) * (size - 2 * m);
  const svg = el('svg', { width: size, height: size, viewBox: `0 0 ${size} ${size}`, role: 'img' });
  el('rect', { x: m, y: m, width: size - 2 * m, height: size - 2 * m, fill: 'none', stroke: '#d1d5db' }, svg);
  const points = el('g', { fill: '#374151', 'fill-opacity': 0.45 }, svg);
  for (let i = 0; i < n; i++) el('circle', { cx: px(x.data[2 * i]), cy: py(x.data[2 * i + 1]), r: 2 }, points);
  for (const { machine, dashed } of models) {
    for (let k = 0; k < machine.nGaussians; k++) {
      const colour = dashed ? '#6b7280' : COLOURS[k % COLOURS.length];
      const [mx, my] = [machine.means[2 * k], machine.means[2 * k + 1]];
      for (const sigmas of [1, 2]) {
        el('ellipse', {
          cx: px(mx), cy: py(my),
          rx: (sigmas * Math.sqrt(machine.variances[2 * k]) * (size - 2 * m)) / (x1 - x0),
          ry: (sigmas * Math.sqrt(machine.variances[2 * k + 1]) * (size - 2 * m)) / (y1 - y0),
          fill: 'none', stroke: colour, 'stroke-width': sigmas === 1 ? 2 : 1.2,
          'stroke-dasharray': dashed ? '5 4' : sigmas === 2 ? '2 3' : 'none',
        }, svg);
      }
      el('path', { d: `M${px(mx) - 5},${py(my)}h10M${px(mx)},${py(my) - 5}v10`, stroke: colour, 'stroke-width': 2 }, svg);
    }
  }
  text(svg, m, size - m + 16, short(x0), 'start');
  text(svg, size - m, size - m + 16, short(x1), 'end');
  text(svg, m - 4, size - m, short(y0), 'end');
  text(svg, m - 4, m + 10, short(y1), 'end');
  text(svg, size / 2, size - 8, 'feature 0');
  el('text', { x: 0, y: 0, 'text-anchor': 'middle', transform: `translate(12 ${size / 2}) rotate(-90)` }, svg).textContent = 'feature 1';
  if (every > 1) text(svg, size / 2, m - 10, `every ${every}th of ${total} samples`);
  return svg;
}
