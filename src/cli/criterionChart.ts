/**
 * The model-selection curves as a self-contained SVG: the criterion per number of Gaussians,
 * one curve per covariance type (named in a legend when there are several), the chosen model marked.
 */
import { escapeXml } from './svg.js';

const WIDTH = 560;
const HEIGHT = 380;
const MARGIN = { left: 90, right: 20, top: 46, bottom: 56 };

const COLOURS = ['#1f5fbf', '#2b8a3e', '#e67700', '#862e9c'];

interface Curve {
  name: string;
  points: { k: number; value: number }[];
}

export function criterionChartSvg(curves: Curve[], chosen: { k: number; curve: string }, criterion: string, title: string): string {
  const w = WIDTH - MARGIN.left - MARGIN.right;
  const h = HEIGHT - MARGIN.top - MARGIN.bottom;
  const all = curves.flatMap((c) => c.points);
  const ks = [...new Set(all.map((p) => p.k))];
  const values = all.map((p) => p.value);
  const [kLow, kHigh] = [Math.min(...ks), Math.max(...ks)];
  const [vLow, vHigh] = [Math.min(...values), Math.max(...values)];
  const spread = vHigh - vLow || Math.abs(vHigh) || 1;
  // log2 spacing of the Gaussian counts (4, 8, 16, ... fall evenly)
  const x = (k: number) => MARGIN.left + (kHigh === kLow ? w / 2 : ((Math.log2(k) - Math.log2(kLow)) / (Math.log2(kHigh) - Math.log2(kLow))) * w);
  const y = (v: number) => MARGIN.top + h - ((v - vLow + 0.05 * spread) / (1.1 * spread)) * h;
  const best = curves.find((c) => c.name === chosen.curve)!.points.find((p) => p.k === chosen.k)!;
  const lines = curves.map((c, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const legend = curves.length > 1 ? `\n<text x="${MARGIN.left + 10}" y="${MARGIN.top + 18 + 16 * i}" fill="${colour}">${escapeXml(c.name)}</text>` : '';
    return `<polyline points="${c.points.map((p) => `${x(p.k).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>
${c.points.map((p) => `<circle cx="${x(p.k).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3.5" fill="${colour}"/>`).join('\n')}${legend}`;
  });
  const label = curves.length > 1 ? `${best.k} Gaussians, ${chosen.curve}` : `${best.k} Gaussians`;
  const ticks = ks.map((k) => `<text x="${x(k).toFixed(1)}" y="${MARGIN.top + h + 18}" text-anchor="middle">${k}</text>`);
  const yTicks = [vLow, (vLow + vHigh) / 2, vHigh].map(
    (v) => `<text x="${MARGIN.left - 8}" y="${y(v).toFixed(1)}" text-anchor="end" dominant-baseline="middle">${Number(v.toPrecision(5))}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(title)}</text>
<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#333"/>
${ticks.join('\n')}
${yTicks.join('\n')}
${lines.join('\n')}
<circle cx="${x(best.k).toFixed(1)}" cy="${y(best.value).toFixed(1)}" r="6" fill="none" stroke="#d33" stroke-width="2"/>
<text x="${(x(best.k) + 9).toFixed(1)}" y="${(y(best.value) - 9).toFixed(1)}" fill="#d33">${escapeXml(label)}</text>
<text x="${MARGIN.left + w / 2}" y="${HEIGHT - 16}" text-anchor="middle">Gaussians</text>
<text transform="translate(20 ${MARGIN.top + h / 2}) rotate(-90)" text-anchor="middle">${escapeXml(criterion.toUpperCase())} (lower is better)</text>
</svg>
`;
}
