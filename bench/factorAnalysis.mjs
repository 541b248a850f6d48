// ISV and JFA's cost: one ISV EM step (eStep + mStep), one step of each of JFA's phases (V, U,
// D: a fit with emIterations 1), enrolling a speaker and scoring a probe, on synthetic statistics
// of S speakers with H sessions each; on the host (float64), and with --device B also with
// deviceProducts on TF.js backend B (float32 products). Cells alternate round by round; medians.
//
//   npm run build && node bench/factorAnalysis.mjs [--c 512] [--d 60] [--ru 100] [--rv 100] [--speakers 20] [--sessions 10] [--reps 3] [--device wasm] [--out bench/results]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GMMMachine, GMMStats, ISVMachine, JFAMachine, useBackend } from '../dist/src/index.js';
import { uniform } from './lib/data.mjs';
import { median } from './lib/report.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const [c, d, rU, rV] = [Number(args.c ?? 512), Number(args.d ?? 60), Number(args.ru ?? 100), Number(args.rv ?? 100)];
const [speakers, sessions, reps] = [Number(args.speakers ?? 20), Number(args.sessions ?? 10), Number(args.reps ?? 3)];
const outDir = args.out ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
const device = args.device;
if (device !== undefined) await useBackend(device);

const rng = uniform(11);
const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const ubm = new GMMMachine(c);
ubm.means = Float64Array.from({ length: c * d }, (_, i) => Math.sin(i * 0.37) * 2);
ubm.variances = Float64Array.from({ length: c * d }, () => 0.5 + rng());
const stats = [];
const ids = [];
for (let s = 0; s < speakers; s++) {
  const speaker = Float64Array.from({ length: c * d }, () => 0.3 * normal());
  for (let h = 0; h < sessions; h++) {
    const frames = 200 + Math.floor(800 * rng());
    const weights = Array.from({ length: c }, () => rng() ** 3);
    const total = weights.reduce((a, b) => a + b, 0);
    const g = new GMMStats(c, d);
    g.t = frames;
    g.n = Float64Array.from(weights, (w) => (frames * w) / total);
    g.sumPx = Float64Array.from({ length: c * d }, (_, i) => g.n[(i / d) | 0] * (ubm.means[i] + speaker[i] + 0.2 * normal()));
    stats.push(g);
    ids.push(s);
  }
}

const timed = (fn) => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};
const modes = device === undefined ? ['host'] : ['host', device];
const cells = Object.fromEntries(modes.flatMap((mode) => ['isvStep', 'jfaOneStepEach', 'isvEnrol', 'isvScore'].map((cell) => [`${cell} (${mode})`, []])));
for (let rep = 0; rep < reps; rep++) {
  for (const mode of modes) {
    const deviceProducts = mode !== 'host';
    const isv = new ISVMachine(ubm, { rU, emIterations: 1, enrollIterations: 1, deviceProducts });
    cells[`isvStep (${mode})`].push(timed(() => isv.fit(stats, ids)));
    let z;
    cells[`isvEnrol (${mode})`].push(timed(() => (z = isv.enroll(stats.slice(0, sessions)))));
    cells[`isvScore (${mode})`].push(timed(() => isv.score(z, [stats[stats.length - 1]])));
    const jfa = new JFAMachine(ubm, { rU, rV, emIterations: 1, deviceProducts });
    cells[`jfaOneStepEach (${mode})`].push(timed(() => jfa.fit(stats, ids)));
  }
}
const result = {
  date: new Date().toISOString(),
  machine: `${process.arch}, ${os.cpus().length} cores, Node ${process.versions.node}`,
  problem: { c, d, rU, rV, speakers, sessions, sessionsTotal: stats.length },
  medianMs: Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, Math.round(median(v))])),
  isvStepMsPerSession: Object.fromEntries(modes.map((mode) => [mode, +(median(cells[`isvStep (${mode})`]) / stats.length).toFixed(1)])),
  runsMs: cells,
};
console.log(JSON.stringify(result, null, 1));
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, `${result.date.slice(0, 10)}-factor-analysis-c${c}-r${rU}-s${stats.length}${device === undefined ? '' : `-${device}`}.json`), JSON.stringify(result, null, 1) + '\n');
