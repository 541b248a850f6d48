// The i-vector back-end's cost: extracting the i-vectors of U utterances (IVectorMachine.transform)
// and one T-matrix EM iteration (eStep + mStep), against the same algebra in numpy float64,
// batched over utterances (bench/anchors/numpy_ivector.py), on the same synthetic statistics.
// Cells alternate round by round; medians. The issue's size is C = 512, D = 60, R = 400 and
// 10000 utterances: the host float64 path needs C R^2 + R^3 / 3 flops an utterance there.
//
//   npm run build && node bench/ivector.mjs [--c 64] [--d 60] [--r 100] [--utterances 500] [--reps 3] [--out bench/results]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GMMMachine, GMMStats, IVectorMachine } from '../dist/src/index.js';
import { PYTHON } from './lib/python.mjs';
import { uniform } from './lib/data.mjs';
import { median, svgChart } from './lib/report.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const [c, d, r, u] = [Number(args.c ?? 64), Number(args.d ?? 60), Number(args.r ?? 100), Number(args.utterances ?? 500)];
const reps = Number(args.reps ?? 3);
const outDir = args.out ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

// ---- the problem: a UBM, T, Sigma and each utterance's statistics about the UBM's means ----
const rng = uniform(7);
const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const ubm = new GMMMachine(c);
ubm.means = Float64Array.from({ length: c * d }, (_, i) => Math.sin(i * 0.37) * 2);
ubm.variances = Float64Array.from({ length: c * d }, () => 0.5 + rng());
const t = Float64Array.from({ length: c * d * r }, () => 0.1 * normal());
const sigma = ubm.variances;
const n = new Float64Array(u * c);
const f = new Float64Array(u * c * d);
const s = new Float64Array(u * c * d);
const stats = [];
for (let k = 0; k < u; k++) {
  const frames = 200 + Math.floor(800 * rng());
  const weights = Array.from({ length: c }, () => rng() ** 3);
  const total = weights.reduce((a, b) => a + b, 0);
  const first = new Float64Array(c * d);
  const second = new Float64Array(c * d);
  for (let g = 0; g < c; g++) {
    const count = (frames * weights[g]) / total;
    n[k * c + g] = count;
    for (let j = 0; j < d; j++) {
      const e = g * d + j;
      const offset = 0.3 * normal();
      first[e] = count * offset; // about the UBM's mean
      second[e] = count * (offset * offset + sigma[e]);
    }
  }
  f.set(first, k * c * d);
  s.set(second, k * c * d);
  stats.push(new GMMStats(c, d).initFields({ t: frames, n: n.subarray(k * c, (k + 1) * c), centred: { centre: ubm.means, first, second } }));
}

// ---- tfjs-em ----
function timed(fn) {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}
const machine = () => Object.assign(new IVectorMachine(ubm, { dimT: r }), { T: t, sigma });
const ours = { extract: [], em: [] };
let ourIvectors = null;
let ourT = null;

// ---- numpy ----
const dir = mkdtempSync(path.join(os.tmpdir(), 'tfjs-em-ivector-'));
for (const [name, values] of Object.entries({ n, f, s, t, sigma })) writeFileSync(path.join(dir, name), Buffer.from(Float64Array.from(values).buffer));
const anchor = path.join(path.dirname(fileURLToPath(import.meta.url)), 'anchors', 'numpy_ivector.py');
const numpy = { extract: [], em: [] };
let theirs = null;

for (let round = 0; round <= reps; round++) {
  const ext = timed(() => machine().transform(stats));
  const em = timed(() => {
    const m = machine();
    m.mStep(m.eStep(stats));
    return m.T;
  });
  const py = spawnSync(PYTHON, [anchor, dir, String(u), String(c), String(d), String(r), '1'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (py.status !== 0) throw new Error(`numpy anchor failed: ${py.stderr}`);
  theirs = JSON.parse(py.stdout);
  console.log(`${round === 0 ? 'warm-up' : `round ${round}`}: tfjs-em extract ${ext.ms.toFixed(0)} ms, EM ${em.ms.toFixed(0)} ms; numpy extract ${theirs.extractMs.toFixed(0)} ms, EM ${theirs.emMs.toFixed(0)} ms`);
  if (round === 0) continue;
  ours.extract.push(ext.ms);
  ours.em.push(em.ms);
  numpy.extract.push(theirs.extractMs);
  numpy.em.push(theirs.emMs);
  ourIvectors = ext.value;
  ourT = em.value;
}
rmSync(dir, { recursive: true, force: true });

const maxRel = (a, b) => Math.max(...b.map((v, i) => Math.abs(a[i] - v) / Math.max(1e-12, Math.abs(v))));
const agreement = {
  ivectors: Math.max(...theirs.ivectors.map((w, i) => maxRel(ourIvectors[i], w))),
  newT: maxRel(ourT, theirs.newT),
};
const rows = [
  { task: 'extraction', series: 'tfjs-em (host float64)', ms: median(ours.extract) },
  { task: 'extraction', series: 'numpy float64 (batched)', ms: median(numpy.extract) },
  { task: 'T-matrix EM iteration', series: 'tfjs-em (host float64)', ms: median(ours.em) },
  { task: 'T-matrix EM iteration', series: 'numpy float64 (batched)', ms: median(numpy.em) },
];
const title = `i-vectors: ${u} utterances, C = ${c}, D = ${d}, R = ${r} (${os.cpus()[0].model}, ${os.availableParallelism()} cores)`;
console.log(title);
for (const row of rows) console.log(`${row.task} | ${row.series} | ${row.ms.toFixed(0)} ms`);
console.log(`largest relative difference to numpy: i-vectors ${agreement.ivectors.toExponential(1)}, new T ${agreement.newT.toExponential(1)}`);

mkdirSync(outDir, { recursive: true });
const base = path.join(outDir, `${new Date().toISOString().slice(0, 10)}-ivector-c${c}-r${r}-u${u}`);
writeFileSync(`${base}.json`, `${JSON.stringify({ title, options: { c, d, r, utterances: u, reps }, node: process.version, numpy: theirs.numpy, loadAverage: os.loadavg(), samples: { ours, numpy }, rows, agreement }, null, 2)}\n`);
writeFileSync(`${base}.svg`, svgChart(rows, title, { groupOf: (row) => row.task, groupName: (g) => g, seriesOf: (row) => row.series, axis: 'ms' }));
console.log(`wrote ${base}.json and ${base}.svg`);
ubm.dispose();
