// One EM iteration (e-step + m-step of every parameter) per covariance type, tfjs-em's fused
// host kernels (cpu and wasm backends) beside scikit-learn (float64) and PyTorch's float32
// GEMM-form EM on the CPU (bench/anchors/covariance_em.py, torch_em.py), the same data and
// start, cells interleaved round by round. See docs/speed.md.
//
//   npm run bench:covariances -- [--n 200000] [--k 64] [--types diag,full,tied] [--reps 3]
//                                [--backends cpu,wasm,sklearn,torch] [--out bench/results]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { releaseBackend, useBackend } from '../dist/src/backend/index.js';
import { toMatrix } from '../dist/src/data/matrix.js';
import { hostKernelInfo, registerEStepKernels } from '../dist/kernels/register.js';
import { GMMMachine } from '../dist/src/machines/GMMMachine.js';
import { makeData, startParameters } from './lib/data.mjs';
import { openAnchors } from './lib/python.mjs';
import { median, svgChart } from './lib/report.mjs';

const USAGE = 'node bench/covariances.mjs [--n 200000] [--d 60] [--k 64] [--types diag,full,tied,spherical] [--reps 3] [--backends cpu,wasm,sklearn,torch] [--out bench/results]';
const o = { n: 200000, d: 60, k: 64, types: ['diag', 'full', 'tied'], reps: 3, backends: ['cpu', 'wasm', 'sklearn', 'torch'], out: 'bench/results' };
for (let i = 2; i < process.argv.length; i += 2) {
  const [flag, value] = [process.argv[i], process.argv[i + 1]];
  const key = flag.replace(/^--/, '');
  if (!(key in o) || value === undefined) throw new Error(`bad option ${flag}\n${USAGE}`);
  o[key] = Array.isArray(o[key]) ? value.split(',') : typeof o[key] === 'number' ? Number(value) : value;
}
const TYPES = ['diag', 'full', 'tied', 'spherical'];
if (!o.types.every((t) => TYPES.includes(t))) throw new Error(`--types takes ${TYPES.join(', ')}`);

const log = (...a) => console.error(...a);
const started = new Date();
const meta = { date: started.toISOString(), machine: os.hostname(), cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), node: process.version, tfjs: tf.version_core, options: o, unavailable: {} };
const { n, d, k } = o;

log(`data: ${n} x ${d} samples (float32), K = ${k}, covariances ${o.types.join(', ')}`);
const data = makeData(n, d);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tfjs-em-bench-'));
writeFileSync(path.join(dataDir, 'x.f32'), data.data);
const start = startParameters(k, d, { nSamples: n, nFeatures: d, fill: (s, e, out) => (out.set(data.data.subarray(s * d, e * d)), out) });
const initFile = path.join(dataDir, `init-${k}.f64`);
writeFileSync(initFile, new Float64Array([...start.weights, ...start.means, ...start.variances]));

/** The start's covariances from its diagonal variances, as covariance_em.covariances_of builds them. */
function startCovariances(type) {
  const v = start.variances;
  if (type === 'full') {
    const c = new Float64Array(k * d * d);
    for (let g = 0; g < k; g++) for (let j = 0; j < d; j++) c[g * d * d + j * d + j] = v[g * d + j];
    return c;
  }
  const c = new Float64Array(type === 'tied' ? d * d : k);
  for (let g = 0; g < k; g++) {
    for (let j = 0; j < d; j++) {
      if (type === 'tied') c[j * d + j] += v[g * d + j] / k;
      else c[g] += v[g * d + j] / d;
    }
  }
  return c;
}

const cells = [];
registerEStepKernels();
const x = await toMatrix(data);
for (const backend of o.backends.filter((b) => b === 'cpu' || b === 'wasm')) {
  for (const type of o.types) {
    const machine = new GMMMachine(k, { covarianceType: type, updateMeans: true, updateVariances: true, updateWeights: true, eStep: 'fused' });
    cells.push({
      runtime: 'node', backend, type, samples: [],
      run: async () => {
        await useBackend(backend);
        machine.weights = start.weights;
        machine.means = start.means;
        if (type === 'diag') machine.variances = start.variances;
        else machine.covariances = startCovariances(type);
        const t0 = performance.now();
        const stats = await machine.accStats(x);
        machine.mStep(stats);
        return { ms: performance.now() - t0, avgLL: stats.logLikelihood / stats.t };
      },
    });
  }
}
meta.hostKernel = hostKernelInfo();

const wanted = o.backends.filter((b) => b === 'sklearn' || b === 'torch');
const { python, anchors } = await openAnchors(wanted, path.join(dataDir, 'x.f32'), n, d, meta, log);
for (const anchor of anchors) {
  // PyTorch's GEMM form has no spherical variant here (it is the diagonal one's cost).
  for (const type of o.types.filter((t) => anchor === 'sklearn' || t !== 'spherical')) {
    cells.push({ runtime: 'python', backend: anchor, type, samples: [], run: () => python.run(anchor, k, initFile, type) });
  }
}

// A warm-up round, then o.reps timed rounds, cells interleaved and rotated.
for (let round = 0; round <= o.reps; round++) {
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[(i + round) % cells.length];
    if (cell.failed) continue;
    try {
      const r = await cell.run();
      log(`${round === 0 ? 'warm-up' : `round ${round}`}: ${cell.runtime} ${cell.backend} ${cell.type}: ${r.ms.toFixed(0)} ms`);
      cell.avgLL = r.avgLL;
      if (round > 0) cell.samples.push(r.ms);
    } catch (error) {
      cell.failed = true;
      cell.note = `failed: ${String(error.message ?? error).split('\n')[0]}`;
      log(`${cell.backend} ${cell.type} failed: ${error.stack ?? error}`);
    }
  }
}
python?.close();
await releaseBackend();
rmSync(dataDir, { recursive: true, force: true });

const msOf = (backend, type) => {
  const c = cells.find((cell) => cell.backend === backend && cell.type === type && cell.samples.length > 0);
  return c === undefined ? null : median(c.samples);
};
const rows = cells.map(({ run, failed, ...c }) => {
  const ms = c.samples.length > 0 ? median(c.samples) : null;
  const ratio = (anchor) => (ms === null || msOf(anchor, c.type) === null ? null : msOf(anchor, c.type) / ms);
  const reference = cells.find((a) => a.backend === 'sklearn' && a.type === c.type)?.avgLL;
  const llDiff = reference === undefined || c.avgLL === undefined ? null : Math.abs(c.avgLL - reference) / Math.abs(reference);
  return { ...c, ms, vsSklearn: ratio('sklearn'), vsTorch: ratio('torch'), llDiff };
});
const times = (v) => (v === null ? '–' : `${v.toFixed(2)}×`);
const title = `One EM iteration per covariance type, N = ${n}, D = ${d}, K = ${k} (${meta.cpu}, ${meta.cores} cores)`;
const table = [
  '| covariance | runtime | backend | ms / iteration | runs | vs sklearn | vs torch | avg ll rel. diff to sklearn |',
  '|---|---|---|---:|---:|---:|---:|---:|',
  ...rows.sort((a, b) => TYPES.indexOf(a.type) - TYPES.indexOf(b.type)).map((r) =>
    `| ${r.type} | ${r.runtime} | ${r.backend} | ${r.ms === null ? (r.note ?? 'not run') : r.ms.toFixed(0)} | ${r.samples.length} | ${times(r.vsSklearn)} | ${times(r.vsTorch)} | ${r.llDiff === null ? '–' : r.llDiff.toExponential(1)} |`,
  ),
].join('\n');
const markdown = `${title}\n\n${table}\n`;
console.log(markdown);

mkdirSync(o.out, { recursive: true });
const stem = path.join(o.out, `${started.toISOString().slice(0, 10)}-${meta.machine.replace(/[^\w.-]/g, '_')}-covariances`);
writeFileSync(`${stem}.json`, `${JSON.stringify({ meta, rows, markdown }, null, 2)}\n`);
writeFileSync(`${stem}.svg`, svgChart(rows, title, { groupOf: (r) => r.type, groupName: (t) => t, seriesOf: (r) => `${r.runtime} ${r.backend}` }));
log(`wrote ${stem}.json and ${stem}.svg`);
