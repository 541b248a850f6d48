// Where one EM iteration's time goes on the host kernels (Node cpu or wasm backend): the whole
// iteration as GMMMachine.fit runs one (bench/lib/emIteration.mjs), its e-step and m-step, and
// the host kernel alone over the same chunks of the same rows (kept in the kernels' memory, as in
// a fit); what is not the kernel is the time outside it. Medians over --reps iterations, after two.
//
//   npm run build && node bench/profile.mjs [--backend wasm] [--sizes 64,256,512] [--n 200000] [--reps 10]
import os from 'node:os';
import { useBackend } from '../dist/src/backend/index.js';
import { chunkRows } from '../dist/src/backend/limits.js';
import { registerEStepKernels } from '../dist/kernels/register.js';
import { hostEStep } from '../dist/kernels/host/hostEStep.js';
import { hostKernelInfo } from '../dist/kernels/host/hostEngine.js';
import { toMatrix } from '../dist/src/data/matrix.js';
import { centreOfMeans, deviceVariances, gaussianCoefficients } from '../dist/src/math/gmm/params.js';
import { makeData, startParameters } from './lib/data.mjs';
import { emIteration, machineAt, resetMachine } from './lib/emIteration.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const backend = option('backend', 'wasm');
const n = Number(option('n', 200000));
const d = 60;
const sizes = option('sizes', '64,256,512').split(',').map(Number);
const reps = Number(option('reps', 10));

registerEStepKernels();
await useBackend(backend);
const data = makeData(n, d);
const x = await toMatrix(data);
const median = (values) => values.slice().sort((a, b) => a - b)[values.length >> 1];
const time = (f) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};

console.log(`N = ${n}, D = ${d}, ${backend}, ${os.cpus()[0].model}, host kernel ${JSON.stringify(hostKernelInfo())}; ms, medians of ${reps}`);
console.log('K | iteration | e-step | m-step | kernel alone | outside the kernel | kernel GFLOP/s');
for (const k of sizes) {
  const start = startParameters(k, d, { nSamples: n, nFeatures: d, fill: (s, e, out) => (out.set(data.data.subarray(s * d, e * d)), out) });
  const machine = machineAt(start);
  // The kernel's inputs as the device model computes them from the start (deviceModel.ts).
  const params = { weights: Float64Array.from(start.weights), means: Float64Array.from(start.means), variances: Float64Array.from(start.variances) };
  const shift = centreOfMeans(params);
  const g = gaussianCoefficients({ ...params, variances: deviceVariances(params, shift).variances }, shift);
  const [nu, h, c] = [g.nu, g.h, g.c].map((v) => Float32Array.from(v));
  const rows = chunkRows(k, d);
  const kernelAlone = () => {
    for (let s = 0; s < n; s += rows) hostEStep({ data: data.data, from: s, owner: x }, Math.min(rows, n - s), d, nu, h, c, null, shift);
  };
  const samples = { total: [], eStep: [], mStep: [], kernel: [] };
  for (let r = 0; r < reps + 2; r++) {
    resetMachine(machine, start);
    machine.eStep = 'fused';
    let t = performance.now();
    const stats = await machine.accStats(x);
    const eStep = performance.now() - t;
    t = performance.now();
    machine.mStep(stats);
    const mStep = performance.now() - t;
    resetMachine(machine, start);
    t = performance.now();
    await emIteration(machine, x, 'fused');
    const total = performance.now() - t;
    const kernel = time(kernelAlone);
    if (r < 2) continue;
    Object.entries({ total, eStep, mStep, kernel }).forEach(([key, v]) => samples[key].push(v));
  }
  const [total, eStep, mStep, kernel] = ['total', 'eStep', 'mStep', 'kernel'].map((key) => median(samples[key]));
  const outside = total - kernel;
  const gflops = (8 * n * d * k) / kernel / 1e6;
  console.log(
    `${k} | ${total.toFixed(1)} | ${eStep.toFixed(1)} | ${mStep.toFixed(1)} | ${kernel.toFixed(1)} | ` +
      `${outside.toFixed(1)} (${((100 * outside) / total).toFixed(1)} %) | ${gflops.toFixed(1)}`,
  );
  machine.dispose();
}
