// The bench's outputs: a markdown table, and a hand-written SVG chart (grouped bars per K,
// log scale).

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** 8 N D K: the multiply-adds of the log-likelihoods and of the statistics, 4 N D K each. */
export const flops = (n, d, k) => 8 * n * d * k;

export const label = (cell) => (cell.mode === '-' ? `${cell.runtime} ${cell.backend}` : `${cell.runtime} ${cell.backend} ${cell.mode}`);

/** Per cell: median ms, GFLOP/s and ratios to the Python anchors of the same K. */
export function summarise(cells, n, d) {
  const byKey = new Map(cells.filter((c) => c.samples.length > 0).map((c) => [`${c.backend}:${c.k}`, median(c.samples)]));
  return cells.map((c) => {
    const ms = c.samples.length > 0 ? median(c.samples) : null;
    const ref = (anchor) => byKey.get(`${anchor}:${c.k}`);
    const ll = c.mode === 'score' ? undefined : cells.find((a) => a.backend === 'numpy' && a.k === c.k)?.avgLL;
    return {
      ...c,
      ms,
      gflops: ms === null ? null : (c.flops ?? flops(n, d, c.k)) / ms / 1e6,
      vsNumpy: ms === null || c.mode === 'score' || ref('numpy') === undefined ? null : ref('numpy') / ms,
      vsSklearn: ms === null || c.mode === 'score' || ref('sklearn') === undefined ? null : ref('sklearn') / ms,
      vsTorch: ms === null || c.mode === 'score' || ref('torch') === undefined ? null : ref('torch') / ms,
      llDiff: ll === undefined || c.avgLL === undefined ? null : Math.abs(c.avgLL - ll) / Math.abs(ll),
    };
  });
}

const fmt = (v, digits) => (v === null ? '–' : v.toFixed(digits));
const times = (v) => (v === null ? '–' : `${v.toFixed(2)}×`);

export function markdownTable(rows) {
  const head = '| runtime | backend | e-step | K | ms / iteration | runs | GFLOP/s | vs numpy | vs sklearn | vs torch | avg ll rel. diff to numpy |';
  const rule = '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map((r) =>
    r.ms === null
      ? `| ${r.runtime} | ${r.backend} | ${r.mode} | ${r.k} | ${r.note ?? 'not run'} | 0 | – | – | – | – | – |`
      : `| ${r.runtime} | ${r.backend} | ${r.mode} | ${r.k} | ${fmt(r.ms, 0)} | ${r.samples.length}${r.note ? ` (${r.note})` : ''} | ${fmt(r.gflops, 2)} | ${times(r.vsNumpy)} | ${times(r.vsSklearn)} | ${times(r.vsTorch)} | ${r.llDiff === null ? '–' : r.llDiff.toExponential(1)} |`,
  );
  return [head, rule, ...lines].join('\n');
}

const COLOURS = [
  '#4e79a7', '#a0cbe8', '#f28e2b', '#ffbe7d', '#59a14f', '#8cd17d', '#b6992d', '#f1ce63',
  '#499894', '#86bcb6', '#e15759', '#ff9d9a', '#79706e', '#bab0ac', '#d37295', '#fabfd2',
];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * Grouped bars: one group per K (or per groupOf(row), named by groupName), one bar per
 * series (label: runtime/backend/e-step), ms per iteration on a log axis.
 */
export function svgChart(rows, title, { groupOf = (r) => r.k, groupName = (g) => `K = ${g}`, seriesOf = label, axis = 'ms per EM iteration' } = {}) {
  const ks = [...new Set(rows.map(groupOf))];
  const series = [...new Set(rows.filter((r) => r.ms !== null).map(seriesOf))];
  const values = rows.filter((r) => r.ms !== null).map((r) => r.ms);
  if (values.length === 0) return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>';
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  const bar = 14;
  const gap = 30;
  const left = 70;
  const top = 40;
  const plotH = 300;
  // each group as wide as its label; room for the title and the legend's two columns
  const labelW = Math.max(...ks.map((k) => String(groupName(k)).length)) * 6.5 + 12;
  const groupW = Math.max(series.length * bar + gap, labelW);
  const width = Math.max(left + ks.length * groupW + 20, left + 540, left + title.length * 7.5);
  const legendTop = top + plotH + 45;
  const height = legendTop + Math.ceil(series.length / 2) * 18 + 10;
  const y = (v) => top + plotH - ((Math.log10(v) - lo) / Math.max(1, hi - lo)) * plotH;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="${left}" y="20" font-size="13">${esc(title)}</text>`,
  ];
  for (let e = lo; e <= hi; e++) {
    out.push(`<line x1="${left}" x2="${width - 20}" y1="${y(10 ** e)}" y2="${y(10 ** e)}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${y(10 ** e) + 4}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toPrecision(1)}</text>`);
  }
  out.push(`<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(axis)} (log; lower is faster)</text>`);
  ks.forEach((k, g) => {
    const x0 = left + g * groupW + (groupW - series.length * bar) / 2;
    series.forEach((name, s) => {
      const r = rows.find((row) => groupOf(row) === k && seriesOf(row) === name && row.ms !== null);
      if (r === undefined) return;
      const yTop = y(r.ms);
      out.push(`<rect x="${x0 + s * bar}" y="${yTop}" width="${bar - 2}" height="${top + plotH - yTop}" fill="${COLOURS[s % COLOURS.length]}"><title>${esc(name)}, ${esc(groupName(k))}: ${r.ms.toFixed(0)} ms</title></rect>`);
    });
    out.push(`<text x="${x0 + (series.length * bar) / 2}" y="${top + plotH + 18}" text-anchor="middle">${esc(groupName(k))}</text>`);
  });
  series.forEach((name, s) => {
    const lx = left + (s % 2) * 260;
    const ly = legendTop + Math.floor(s / 2) * 18;
    out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${COLOURS[s % COLOURS.length]}"/>`);
    out.push(`<text x="${lx + 18}" y="${ly}">${esc(name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
