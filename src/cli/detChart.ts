/** The DET curve as a self-contained SVG: probit-scaled axes, grid, the curve and its EER point. */
import { DET_TICKS as TICKS, detAxisPosition, detTickLabel as percent, type DetPoint } from '../math/det.js';
import { escapeXml } from './svg.js';

const SIZE = 520;
const MARGIN = { left: 70, right: 20, top: 50, bottom: 60 };
const LOW = detAxisPosition(0);
const HIGH = detAxisPosition(1);

/** Pixel position of a rate on an axis of `length` pixels (rates outside the range are clipped). */
function position(rate: number, length: number): number {
  return ((detAxisPosition(rate) - LOW) / (HIGH - LOW)) * length;
}

export function detChartSvg(curve: DetPoint[], eer: number, title: string): string {
  const w = SIZE - MARGIN.left - MARGIN.right;
  const h = SIZE - MARGIN.top - MARGIN.bottom;
  const x = (rate: number) => (MARGIN.left + position(rate, w)).toFixed(1);
  const y = (rate: number) => (MARGIN.top + h - position(rate, h)).toFixed(1);
  const grid = TICKS.map((t) => [
    `<line x1="${x(t)}" y1="${MARGIN.top}" x2="${x(t)}" y2="${MARGIN.top + h}" class="grid"/>`,
    `<line x1="${MARGIN.left}" y1="${y(t)}" x2="${MARGIN.left + w}" y2="${y(t)}" class="grid"/>`,
    `<text x="${x(t)}" y="${MARGIN.top + h + 18}" text-anchor="middle">${percent(t)}</text>`,
    `<text x="${MARGIN.left - 8}" y="${y(t)}" text-anchor="end" dominant-baseline="middle">${percent(t)}</text>`,
  ].join('\n'));
  const line = curve.map((p) => `${x(p.far)},${y(p.frr)}`).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}" font-family="sans-serif" font-size="12">
<style>.grid{stroke:#ddd;stroke-width:1}.curve{fill:none;stroke:#1f5fbf;stroke-width:2}.diagonal{stroke:#999;stroke-dasharray:4 4}</style>
<rect width="100%" height="100%" fill="white"/>
<text x="${SIZE / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(title)}</text>
${grid.join('\n')}
<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#333"/>
<line x1="${x(TICKS[0])}" y1="${y(TICKS[0])}" x2="${x(TICKS[TICKS.length - 1])}" y2="${y(TICKS[TICKS.length - 1])}" class="diagonal"/>
<polyline points="${line}" class="curve"/>
<circle cx="${x(eer)}" cy="${y(eer)}" r="5" fill="#d33"/>
<text x="${+x(eer) + 10}" y="${+y(eer) - 10}" fill="#d33">EER ${(eer * 100).toFixed(2)}%</text>
<text x="${MARGIN.left + w / 2}" y="${SIZE - 18}" text-anchor="middle">False acceptance rate (%)</text>
<text transform="translate(18 ${MARGIN.top + h / 2}) rotate(-90)" text-anchor="middle">False rejection rate (%)</text>
</svg>
`;
}
