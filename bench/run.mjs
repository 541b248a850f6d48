// The backend-comparison benchmark: one EM iteration (e-step + m-step of every parameter)
// per cell, every backend of this machine (Node, headless Chromium) side by side with numpy
// and scikit-learn on the same data, cells interleaved round by round. See docs/speed.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getBackendInfo, releaseBackend, useBackend } from '../dist/src/backend/index.js';
import { toMatrix } from '../dist/src/data/matrix.js';
import { hasFusedEStep, hostKernelInfo, registerEStepKernels } from '../dist/kernels/register.js';
import { isChromium, isNode, isPython, parseArgs } from './lib/cli.mjs';
import { makeData, startParameters } from './lib/data.mjs';
import { emIteration, machineAt, resetMachine } from './lib/emIteration.mjs';
import { openAnchors } from './lib/python.mjs';
import { markdownTable, summarise, svgChart } from './lib/report.mjs';
import { memoryRun, memoryTable } from './lib/memory.mjs';

if (process.argv.includes('--cluster')) {
  const { clusterBench } = await import('./lib/cluster.mjs');
  await clusterBench(process.argv.slice(2), (...a) => console.error(...a));
  process.exit(0);
}
const o = parseArgs(process.argv.slice(2));
const log = (...a) => console.error(...a);
const started = new Date();
const meta = {
  date: started.toISOString(),
  machine: os.hostname(),
  cpu: os.cpus()[0]?.model,
  cores: os.availableParallelism(),
  memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
  loadAverageStart: os.loadavg(),
  node: process.version,
  tfjs: tf.version_core,
  options: o,
  unavailable: {},
};

const { n, d } = o;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tfjs-em-bench-'));
log(`data: ${n} x ${d} samples (float32), K = ${o.sizes.join(', ')}`);
const data = makeData(n, d);
const source = { nSamples: n, nFeatures: d, fill: (s, e, out) => (out.set(data.data.subarray(s * d, e * d)), out) };
writeFileSync(path.join(dataDir, 'x.f32'), data.data);
const starts = new Map(o.sizes.map((k) => [k, startParameters(k, d, source)]));
for (const [k, s] of starts) {
  const packed = new Float64Array([...s.weights, ...s.means, ...s.variances]);
  writeFileSync(path.join(dataDir, `init-${k}.f64`), packed);
}

const cells = [];
/** Cells of every K; flopsOf(k) when a cell's work is not one EM iteration (8 N D K). */
const addCells = (runtime, backend, modes, run, flopsOf) => {
  for (const k of o.sizes) {
    for (const mode of modes) cells.push({ runtime, backend, mode, k, flops: flopsOf?.(k), samples: [], run: () => run(mode, k) });
  }
};

// ---- Node backends ----
registerEStepKernels();
const x = await toMatrix(data);
const machines = new Map();
for (const backend of o.backends.filter(isNode)) {
  try {
    await useBackend(backend);
  } catch (error) {
    meta.unavailable[backend] = error.message;
    log(`skipping ${backend}: ${error.message}`);
    continue;
  }
  meta[`adapter:${backend}`] = getBackendInfo().adapter ?? null;
  const modes = o.modes.filter((m) => (m === 'plain' ? !(backend === 'cpu' && o.skipCpuPlain) : hasFusedEStep(backend)));
  addCells('node', backend, modes, async (mode, k) => {
    await useBackend(backend);
    if (!machines.has(k)) machines.set(k, machineAt(starts.get(k)));
    const machine = machines.get(k);
    resetMachine(machine, starts.get(k));
    const t0 = performance.now();
    const r = await emIteration(machine, x, mode);
    return { ms: performance.now() - t0, ...r };
  });
}
meta.hostKernel = hostKernelInfo();

// ---- Python anchors ----
const { python, anchors } = await openAnchors(o.backends.filter(isPython), path.join(dataDir, 'x.f32'), n, d, meta, log);
for (const anchor of anchors) {
  addCells('python', anchor, ['-'], (_, k) => python.run(anchor, k, path.join(dataDir, `init-${k}.f64`)));
}

// ---- Chromium ----
let page = null;
const inPage = o.backends.filter(isChromium);
if (inPage.length > 0) {
  log('building the Chromium bench page');
  // Imported here: playwright-core and esbuild are not needed (nor packed) for Node-only runs.
  const { openChromium } = await import('./lib/browser.mjs');
  page = await openChromium(dataDir, n, d);
  if (page.problem) {
    for (const b of inPage) meta.unavailable[b] = page.problem;
    log(`skipping Chromium: ${page.problem}`);
    page = null;
  } else {
    meta.chromium = await page.userAgent();
    for (const id of inPage) {
      const backend = id.replace('chromium-', '');
      const status = await page.backend(backend);
      if (!status.ok) {
        meta.unavailable[id] = status.why;
        log(`skipping ${id}: ${status.why}`);
        continue;
      }
      meta[`adapter:${id}`] = status.adapter;
      const modes = o.modes.filter((m) => m === 'plain' || status.fused);
      addCells('chromium', backend, modes, (mode, k) => page.run(backend, mode, k));
      // Scoring (log-likelihoods only: 4 N D K flops) of min(N, 100000) frames, as the scoring page does.
      const scored = Math.min(n, 100000);
      addCells('chromium', backend, ['score'], (_, k) => page.score(backend, k), (k) => 4 * scored * d * k);
    }
  }
}

// ---- rounds: a warm-up, then o.reps timed runs, cells interleaved and rotated ----
const describe = (c) => `${c.runtime} ${c.backend} ${c.mode} K=${c.k}`;
for (let round = 0; round <= o.reps; round++) {
  const order = cells.map((_, i) => cells[(i + round) % cells.length]);
  for (const cell of order) {
    if (cell.failed || (round > 0 && cell.timedOnce)) continue;
    try {
      const r = await cell.run();
      // The next cell starts once the anchors' threads are quiet (settleMs: how long that took).
      const settled = python === null ? null : await python.settle();
      if (settled !== null) (cell.settleMs ??= []).push(Math.round(settled));
      log(`${round === 0 ? 'warm-up' : `round ${round}`}: ${describe(cell)}: ${r.ms.toFixed(0)} ms${settled === null ? '' : `, quiet after ${settled.toFixed(0)} ms`}`);
      Object.assign(cell, { avgLL: r.avgLL, meanChecksum: r.meanChecksum });
      if (round === 0 && r.ms > 1000 * o.maxCellSeconds) {
        // Too slow to repeat: the warm-up is its only time (compilation included).
        cell.timedOnce = true;
        cell.note = 'warm-up only';
        cell.samples.push(r.ms);
      } else if (round > 0) cell.samples.push(r.ms);
    } catch (error) {
      cell.failed = true;
      cell.note = `failed: ${String(error.message ?? error).split('\n')[0]}`;
      log(`${describe(cell)} failed: ${error.stack ?? error}`);
    }
  }
}

python?.close();
await page?.close();
await releaseBackend();
rmSync(dataDir, { recursive: true, force: true });
meta.loadAverageEnd = os.loadavg();

const rows = summarise(
  cells.map(({ run, timedOnce, failed, ...c }) => c),
  n,
  d,
).sort((a, b) => a.k - b.k);
const title = `One EM iteration, N = ${n}, D = ${d} (${meta.cpu}, ${meta.cores} cores)`;
let markdown = `${title}\n\n${markdownTable(rows)}\n`;

let memory = null;
if (o.memory) {
  memory = await memoryRun(o, log);
  markdown += `\nMemory: K = 64, 3 iterations on generated chunks\n\n${memoryTable(memory)}\n`;
}
console.log(markdown);

mkdirSync(o.out, { recursive: true });
const stem = path.join(o.out, `${started.toISOString().slice(0, 10)}-${meta.machine.replace(/[^\w.-]/g, '_')}${o.quick ? '-quick' : ''}`);
writeFileSync(`${stem}.json`, `${JSON.stringify({ meta, rows, memory, markdown }, null, 2)}\n`);
writeFileSync(`${stem}.svg`, svgChart(rows, title));
log(`wrote ${stem}.json and ${stem}.svg`);
