// The host e-step kernel alone (kernels/host/hostEStep.ts through dist/), one E_STEP per
// timing on N x D samples against K Gaussians, optionally against a baseline build of the
// same module (e.g. a previous commit's dist/kernels/host/hostEStep.js), calls interleaved
// round by round so that both see the same machine load. Medians in ms.
//
//   npm run build && node bench/hostKernel.mjs [--baseline path/to/hostEStep.js]
//     [--n 200000] [--d 60] [--sizes 64,256,512] [--threads 2] [--rounds 5] [--out file.json]
//
// A baseline whose hostEStep takes (y, rows, d, W, b) gets the GEMM form of the same
// Gaussians, W = [-h; 2 h nu], b = c - sum_j nu^2 h. Node 20 needs
// --experimental-wasm-relaxed-simd for the relaxed-SIMD builds.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const n = Number(option('n', 200000));
const d = Number(option('d', 60));
const sizes = option('sizes', '64,256,512').split(',').map(Number);
const threads = Number(option('threads', 2));
const rounds = Number(option('rounds', 5));
const baselinePath = option('baseline', null);
const out = option('out', null);

/** A kernel under test: its hostEStep, adapted to (y, rows, d, nu, h, c), with its engine's threads. */
async function load(file) {
  const host = await import(pathToFileURL(path.resolve(file)).href);
  const engine = await import(pathToFileURL(path.join(path.dirname(path.resolve(file)), 'hostEngine.js')).href);
  engine.setHostThreads(threads);
  const eStep = host.hostEStep.length === 6 ? host.hostEStep : (y, rows, dd, nu, h, c) => host.hostEStep(y, rows, dd, ...gemmForm(dd, nu, h, c));
  return { eStep, info: () => engine.hostKernelInfo() };
}

function gemmForm(dd, nu, h, c) {
  const k = c.length;
  const w = new Float32Array(2 * dd * k);
  const b = Float64Array.from(c);
  for (let j = 0; j < dd; j++) {
    for (let i = 0; i < k; i++) {
      w[j * k + i] = -h[j * k + i];
      w[(dd + j) * k + i] = 2 * h[j * k + i] * nu[j * k + i];
      b[i] -= nu[j * k + i] ** 2 * h[j * k + i];
    }
  }
  return [w, Float32Array.from(b)];
}

let seed = 12345;
const rng = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
const y = Float32Array.from({ length: n * d }, () => 4 * rng() - 2);

const kernels = { current: await load(path.join(import.meta.dirname, '../dist/kernels/host/hostEStep.js')) };
if (baselinePath) kernels.baseline = await load(baselinePath);

const results = [];
for (const k of sizes) {
  const nu = Float32Array.from({ length: d * k }, () => 4 * rng() - 2);
  const h = Float32Array.from({ length: d * k }, () => 1 / (2 * (0.5 + rng())));
  const c = Float32Array.from({ length: k }, () => -60 - rng());
  const times = Object.fromEntries(Object.keys(kernels).map((name) => [name, []]));
  for (const kernel of Object.values(kernels)) kernel.eStep(y, n, d, nu, h, c); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const [name, kernel] of Object.entries(kernels)) {
      const t0 = performance.now();
      kernel.eStep(y, n, d, nu, h, c);
      times[name].push(performance.now() - t0);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const row = { k, ...Object.fromEntries(Object.entries(times).map(([name, xs]) => [name, { medianMs: +median(xs).toFixed(1), ms: xs.map((x) => +x.toFixed(1)) }])) };
  console.error(JSON.stringify(row));
  results.push(row);
}

const report = {
  date: new Date().toISOString(),
  cpu: os.cpus()[0]?.model,
  cores: os.availableParallelism(),
  loadAverage: os.loadavg(),
  node: process.version,
  execArgv: process.execArgv,
  n,
  d,
  threads,
  rounds,
  builds: Object.fromEntries(Object.entries(kernels).map(([name, kernel]) => [name, kernel.info()])),
  results,
};
if (out) writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
else console.log(JSON.stringify(report, null, 2));
