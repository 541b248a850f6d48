// One memory-run cell in its own process (so that its peak RSS is its own): EM iterations
// over rows generated chunk by chunk (never all N at once), reporting per iteration the
// RSS, the peak RSS so far and tf.memory(). Prints one JSON line.
//   node bench/memory.mjs --backend cpu --mode fused --n 5000000 --k 64 --iters 3
import * as tf from '@tensorflow/tfjs-core';
import { releaseBackend, useBackend } from '../dist/src/backend/index.js';
import { registerEStepKernels } from '../dist/kernels/register.js';
import { pooledSource, startParameters } from './lib/data.mjs';
import { emIteration, machineAt } from './lib/emIteration.mjs';
import { toMatrix } from '../dist/src/data/matrix.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const backend = arg('backend', 'cpu');
const mode = arg('mode', 'fused');
const n = Number(arg('n', 5000000));
const k = Number(arg('k', 64));
const d = Number(arg('d', 60));
const iterations = Number(arg('iters', 3));

const mib = (bytes) => +(bytes / 2 ** 20).toFixed(1);
registerEStepKernels();
await useBackend(backend);
const source = pooledSource(n, d);
const machine = machineAt(startParameters(k, d, source));
// The library's row source: each chunk is generated, checked, centred and uploaded on demand.
const x = await toMatrix({ nSamples: n, nFeatures: d, read: (start, end) => source.fill(start, end, new Float32Array((end - start) * d)) });
const steps = [];
for (let i = 1; i <= iterations; i++) {
  const t0 = performance.now();
  const { avgLL } = await emIteration(machine, x, mode);
  const m = tf.memory();
  steps.push({
    iteration: i,
    ms: Math.round(performance.now() - t0),
    avgLL,
    rssMiB: mib(process.memoryUsage().rss),
    peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
    tfNumTensors: m.numTensors,
    tfMiB: mib(m.numBytes),
  });
}
await releaseBackend();
console.log(JSON.stringify({ backend, mode, n, k, d, steps }));
