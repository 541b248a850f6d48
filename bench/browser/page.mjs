// The bench page: the same EM iteration as in Node (lib/emIteration.mjs), in headless
// Chromium. Bundled by lib/browser.mjs; the tf.js packages come from the import map.
import { toMatrix } from '../../dist/src/data/matrix.js';
import { getBackendInfo, useBackend } from '../../dist/src/backend/index.js';
import { hasFusedEStep, registerEStepKernels } from '../../dist/kernels/register.js';
import { installWebGPUFallback } from '../../web/src/webgpuFallback.ts';
import { emIteration, machineAt, resetMachine } from '../lib/emIteration.mjs';
import { startParameters } from '../lib/data.mjs';

installWebGPUFallback();
registerEStepKernels();

let x = null;
let scoreX = null;
let source = null;
const machines = new Map();

/** Frames scored by a 'score' cell (the browser row: 100,000 x 60). */
export const SCORE_ROWS = 100000;

/** The machine of size k, reset to its start. */
function machineFor(k) {
  if (!machines.has(k)) machines.set(k, { start: startParameters(k, source.nFeatures, source), machine: null });
  const entry = machines.get(k);
  entry.machine ??= machineAt(entry.start);
  resetMachine(entry.machine, entry.start);
  return entry.machine;
}

window.tfjsEmBench = {
  ready: true,

  async load(n, d) {
    const data = new Float32Array(await (await fetch('/data/x.f32')).arrayBuffer());
    source = { nSamples: n, nFeatures: d, fill: (start, end, out) => (out.set(data.subarray(start * d, end * d)), out) };
    x = await toMatrix({ data, shape: [n, d] });
    const m = Math.min(n, SCORE_ROWS);
    scoreX = { data: data.subarray(0, m * d), shape: [m, d] };
  },

  async backend(name) {
    try {
      await useBackend(name);
      return { ok: true, adapter: getBackendInfo().adapter ?? null, fused: hasFusedEStep(name) };
    } catch (error) {
      return { ok: false, why: String(error?.message ?? error) };
    }
  },

  async run(name, mode, k) {
    await useBackend(name);
    const machine = machineFor(k);
    const t0 = performance.now();
    const result = await emIteration(machine, x, mode);
    return { ms: performance.now() - t0, ...result };
  },

  /** In-browser scoring as a page does it: GMMMachine.logLikelihood of SCORE_ROWS frames. */
  async score(name, k) {
    await useBackend(name);
    const machine = machineFor(k);
    const t0 = performance.now();
    const ll = await machine.logLikelihood(scoreX);
    return { ms: performance.now() - t0, avgLL: ll.reduce((a, b) => a + b, 0) / ll.length };
  },
};
