// The i-vector back-end's cost: extracting the i-vectors of U utterances (IVectorMachine.transform)
// and one T-matrix EM iteration (eStep + mStep), against the same algebra in numpy float64,
// batched over utterances (bench/anchors/numpy_ivector.py), on the same synthetic statistics.
// Cells alternate round by round; medians. The issue's size is C = 512, D = 60, R = 400 and
// 10000 utterances (--warmup 0 --reps 1 there: a round takes minutes); the host float64 path
// needs about C R^2 / 2 + R^3 / 6 multiply-adds an utterance to extract, three times that in EM.
//
//   npm run build && node bench/ivector.mjs [--c 64] [--d 60] [--r 100] [--utterances 500] [--reps 3] [--warmup 1] [--device wasm] [--out bench/results]
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GMMMachine, GMMStats, IVectorMachine, useBackend } from '../dist/src/index.js';
import { PYTHON } from './lib/python.mjs';
import { uniform } from './lib/data.mjs';
import { median, svgChart } from './lib/report.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const [c, d, r, u] = [Number(args.c ?? 64), Number(args.d ?? 60), Number(args.r ?? 100), Number(args.utterances ?? 500)];
const reps = Number(args.reps ?? 3);
// Unmeasured rounds first (0 at the issue's size, where one round takes minutes).
const warmup = Number(args.warmup ?? 1);
const outDir = args.out ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
// --device B: tfjs-em also with deviceProducts on TF.js backend B (float32 products, float64 sums).
const device = args.device;
if (device !== undefined) await useBackend(device);

// ---- the problem: a UBM, T, Sigma and each utterance's statistics (written for numpy as they are made) ----
const dir = mkdtempSync(path.join(os.tmpdir(), 'tfjs-em-ivector-'));
const rng = uniform(7);
const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const ubm = new GMMMachine(c);
ubm.means = Float64Array.from({ length: c * d }, (_, i) => Math.sin(i * 0.37) * 2);
ubm.variances = Float64Array.from({ length: c * d }, () => 0.5 + rng());
const t = Float64Array.from({ length: c * d * r }, () => 0.1 * normal());
const sigma = ubm.variances;
const means = ubm.means;
const files = Object.fromEntries(['n', 'f', 's'].map((name) => [name, openSync(path.join(dir, name), 'w')]));
const stats = [];
for (let k = 0; k < u; k++) {
  const frames = 200 + Math.floor(800 * rng());
  const weights = Array.from({ length: c }, () => rng() ** 3);
  const total = weights.reduce((a, b) => a + b, 0);
  const n = new Float64Array(c);
  const [f, s] = [new Float64Array(c * d), new Float64Array(c * d)]; // about the UBM's means, for numpy
  const [first, second] = [new Float64Array(c * d), new Float64Array(c * d)]; // about 0 (bob's layout), for tfjs-em
  for (let g = 0; g < c; g++) {
    const count = (frames * weights[g]) / total;
    n[g] = count;
    for (let j = 0; j < d; j++) {
      const e = g * d + j;
      const offset = 0.3 * normal();
      f[e] = count * offset;
      s[e] = count * (offset * offset + sigma[e]);
      first[e] = count * (means[e] + offset);
      second[e] = s[e] + means[e] * (2 * f[e] + count * means[e]);
    }
  }
  for (const [name, values] of [['n', n], ['f', f], ['s', s]]) writeSync(files[name], new Uint8Array(values.buffer));
  stats.push(new GMMStats(c, d).initFields({ t: frames, n, sumPx: first, sumPxx: second }));
}
for (const fd of Object.values(files)) closeSync(fd);
for (const [name, values] of Object.entries({ t, sigma })) writeFileSync(path.join(dir, name), Buffer.from(Float64Array.from(values).buffer));

// ---- tfjs-em ----
function timed(fn) {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}
const machine = (deviceProducts = false) => Object.assign(new IVectorMachine(ubm, { dimT: r, deviceProducts }), { T: t, sigma });
const ours = { extract: [], em: [] };
const onDevice = { extract: [], em: [] };
let deviceAgreement = null;
let ourIvectors = null;
let ourT = null;

// ---- numpy ----
const anchor = path.join(path.dirname(fileURLToPath(import.meta.url)), 'anchors', 'numpy_ivector.py');
const numpy = { extract: [], em: [] };
let theirs = null;

for (let round = 1 - warmup; round <= reps; round++) {
  const measured = round >= 1;
  const ext = timed(() => machine().transform(stats));
  console.log(`  tfjs-em extraction ${ext.ms.toFixed(0)} ms`);
  const em = timed(() => {
    const m = machine();
    m.mStep(m.eStep(stats));
    return m.T;
  });
  console.log(`  tfjs-em EM iteration ${em.ms.toFixed(0)} ms`);
  const py = spawnSync(PYTHON, [anchor, dir, String(u), String(c), String(d), String(r), '1'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (py.status !== 0) throw new Error(`numpy anchor failed: ${py.stderr}`);
  if (device !== undefined) {
    const dext = timed(() => machine(true).transform(stats));
    const dem = timed(() => {
      const m = machine(true);
      m.mStep(m.eStep(stats));
      return m.T;
    });
    if (measured) {
      onDevice.extract.push(dext.ms);
      onDevice.em.push(dem.ms);
    }
    const normwise = (a, b) => {
      let [diff, scale] = [0, 0];
      for (let i = 0; i < b.length; i++) [diff, scale] = [Math.max(diff, Math.abs(a[i] - b[i])), Math.max(scale, Math.abs(b[i]))];
      return diff / scale;
    };
    deviceAgreement = { ivectors: normwise(dext.value.flatMap((v) => Array.from(v)), ext.value.flatMap((v) => Array.from(v))), newT: normwise(dem.value, em.value) };
    console.log(`  deviceProducts on ${device}: extract ${dext.ms.toFixed(0)} ms, EM ${dem.ms.toFixed(0)} ms`);
  }
  theirs = JSON.parse(py.stdout);
  console.log(`${measured ? `round ${round}` : 'warm-up'}: tfjs-em extract ${ext.ms.toFixed(0)} ms, EM ${em.ms.toFixed(0)} ms; numpy extract ${theirs.extractMs.toFixed(0)} ms, EM ${theirs.emMs.toFixed(0)} ms`);
  if (!measured) continue;
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
  ...(device === undefined ? [] : [
    { task: 'extraction', series: `tfjs-em (deviceProducts, ${device})`, ms: median(onDevice.extract) },
    { task: 'T-matrix EM iteration', series: `tfjs-em (deviceProducts, ${device})`, ms: median(onDevice.em) },
  ]),
];
const title = `i-vectors: ${u} utterances, C = ${c}, D = ${d}, R = ${r} (${os.cpus()[0].model}, ${os.availableParallelism()} cores)`;
console.log(title);
for (const row of rows) console.log(`${row.task} | ${row.series} | ${row.ms.toFixed(0)} ms`);
console.log(`largest relative difference to numpy: i-vectors ${agreement.ivectors.toExponential(1)}, new T ${agreement.newT.toExponential(1)}`);
if (deviceAgreement !== null) console.log(`deviceProducts against the host, normwise: i-vectors ${deviceAgreement.ivectors.toExponential(1)}, new T ${deviceAgreement.newT.toExponential(1)}`);

mkdirSync(outDir, { recursive: true });
const base = path.join(outDir, `${new Date().toISOString().slice(0, 10)}-ivector-c${c}-r${r}-u${u}${device === undefined ? '' : `-${device}`}`);
writeFileSync(`${base}.json`, `${JSON.stringify({ title, options: { c, d, r, utterances: u, reps, warmup, device }, node: process.version, numpy: theirs.numpy, loadAverage: os.loadavg(), samples: { ours, numpy, onDevice }, rows, agreement, deviceAgreement }, null, 2)}\n`);
writeFileSync(`${base}.svg`, svgChart(rows, title, { groupOf: (row) => row.task, groupName: (g) => g, seriesOf: (row) => row.series, axis: 'ms' }));
console.log(`wrote ${base}.json and ${base}.svg`);
ubm.dispose();
