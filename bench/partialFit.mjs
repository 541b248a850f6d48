#!/usr/bin/env node
// Stepwise EM against batch EM: a 2e6-row stream of the benchmark's 64-component mixture
// (D = 20) in 1e4-row batches through partialFit, and batch EM on all the rows, both scored on
// 1e5 held-out rows. Twice: from the same start (k-means on the first batch, what partialFit
// has), which compares the two EMs (the target: within 1e-2), and each from its own
// default start (batch EM's k-means sees all 2e6 rows).
//
//   npm run build && node bench/partialFit.mjs [--rows 2000000] [--batch 10000] [--k 32] [--out FILE]
import { writeFileSync } from 'node:fs';
import { GMMMachine, useBackend } from '../dist/src/index.js';
import { makeData } from './lib/data.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const rows = Number(args.rows ?? 2_000_000);
const batchRows = Number(args.batch ?? 10_000);
const k = Number(args.k ?? 32);
const d = 20;
const backend = await useBackend(process.env.TFJS_EM_BACKEND ?? 'wasm');
const all = makeData(rows + 100_000, d);
const train = { data: all.data.subarray(0, rows * d), shape: [rows, d] };
const heldOut = { data: all.data.subarray(rows * d), shape: [100_000, d] };
const options = { updateVariances: true, updateWeights: true };
const timed = async (work) => {
  const t = performance.now();
  const machine = await work();
  return { machine, seconds: (performance.now() - t) / 1000 };
};

async function stepwise(machine) {
  for (let start = 0; start < rows; start += batchRows) {
    await machine.partialFit({ data: train.data.subarray(start * d, Math.min(rows, start + batchRows) * d), shape: [Math.min(batchRows, rows - start), d] });
  }
  return machine;
}

// The start partialFit makes: k-means on the first batch.
const first = new GMMMachine(k, options);
await first.initializeGaussians({ data: train.data.subarray(0, batchRows * d), shape: [batchRows, d] });
const start = first.params();
const fromStart = () => {
  const m = new GMMMachine(k, { ...options, weights: start.weights.map((w) => w / start.weights.reduce((a, b) => a + b, 0)) });
  m.means = start.means;
  m.variances = start.variances;
  return m;
};

const online = await timed(() => stepwise(new GMMMachine(k, options)));
const batchSameStart = await timed(async () => {
  const m = fromStart();
  m.maxFittingSteps = 100;
  return m.fit(train, { onWarning: () => {} });
});
const batchOwnStart = await timed(() => new GMMMachine(k, { ...options, maxFittingSteps: 100 }).fit(train, { onWarning: () => {} }));
const score = async ({ machine, seconds }) => ({ heldOut: await machine.score(heldOut), steps: machine.nIter, seconds });
const result = {
  date: new Date().toISOString(),
  backend,
  rows,
  batchRows,
  k,
  d,
  stepExponent: online.machine.stepExponent,
  partialFit: await score(online),
  fitFromTheSameStart: await score(batchSameStart),
  fitFromItsOwnStart: await score(batchOwnStart),
};
result.differenceSameStart = result.partialFit.heldOut - result.fitFromTheSameStart.heldOut;
result.differenceOwnStarts = result.partialFit.heldOut - result.fitFromItsOwnStart.heldOut;
console.log(JSON.stringify(result, null, 1));
if (args.out) writeFileSync(args.out, `${JSON.stringify(result, null, 1)}\n`);
