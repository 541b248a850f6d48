#!/usr/bin/env node
// How often the default start reaches the best known optimum: sets of well-separated Gaussian
// blobs (K 3 to 16, D 2 to 60, weights down to 1 %, axis ratios up to 3, 600 to 8000 rows), ten
// seeds each; tfjs-em's GMMMachine (its default start, all parameters, 500 steps, threshold 1e-8,
// floor 1e-6) beside scikit-learn's GaussianMixture defaults (k-means++ start, n_init 1).
// A fit reaches the optimum when its average log-likelihood on the data is within 1e-3 relative
// of the best found by any fit (scikit-learn's n_init 10 restarts included).
//
//   npm run build && node bench/startQuality.mjs [--sets dev|heldout] [--init k-means||] [--n-init 1] [--out FILE]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GMMMachine, KMeansMachine, useBackend } from '../dist/src/index.js';
import { PYTHON } from './lib/python.mjs';
import { uniform } from './lib/data.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const which = args.sets ?? 'heldout';
const init = args.init ?? 'k-means||';
const nInit = Number(args['n-init'] ?? 1);
const SEEDS = 10;

/** K blobs in D dimensions: centres at least `gap` standard deviations apart, weights and axis scales as given. */
function blobs({ k, d, n, minWeight, ratio }, seed) {
  const rng = uniform(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const centres = [];
  while (centres.length < k) {
    const c = Array.from({ length: d }, () => 30 * rng() - 15);
    if (centres.every((o) => Math.hypot(...o.map((v, j) => v - c[j])) > 10)) centres.push(c);
  }
  const raw = Array.from({ length: k }, (_, i) => (i === k - 1 ? minWeight : 1 / k + rng() / k));
  const total = raw.slice(0, k - 1).reduce((s, w) => s + w, 0);
  const weights = raw.map((w, i) => (i === k - 1 ? w : (w / total) * (1 - minWeight)));
  const scales = centres.map(() => Array.from({ length: d }, () => 1 + (ratio - 1) * rng()));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let u = rng();
    let c = 0;
    while (c < k - 1 && u > weights[c]) u -= weights[c++];
    for (let j = 0; j < d; j++) data[i * d + j] = centres[c][j] + scales[c][j] * normal();
  }
  return { data, shape: [n, d] };
}

const CONFIGS = [
  { k: 3, d: 2, n: 600, minWeight: 0.2, ratio: 1.5 },
  { k: 5, d: 10, n: 2000, minWeight: 0.01, ratio: 3 },
  { k: 8, d: 20, n: 4000, minWeight: 0.02, ratio: 2 },
  { k: 12, d: 40, n: 6000, minWeight: 0.01, ratio: 3 },
  { k: 16, d: 60, n: 8000, minWeight: 0.01, ratio: 2 },
];
const GENERATOR = { dev: 1000, heldout: 7000 }[which];

function npy(x) {
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${x.shape[0]}, ${x.shape[1]}), }`;
  const header = dict + ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
  return Buffer.concat([Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 255, header.length >> 8]), Buffer.from(header), Buffer.from(x.data.buffer)]);
}

await useBackend(process.env.TFJS_EM_BACKEND ?? 'wasm');
const dir = mkdtempSync(path.join(tmpdir(), 'tfjs-em-starts-'));
const sets = CONFIGS.map((c, index) => ({ index, ...c, seeds: SEEDS, x: blobs(c, GENERATOR + index) }));
for (const s of sets) writeFileSync(path.join(dir, `set-${s.index}.npy`), npy(s.x));
writeFileSync(path.join(dir, 'sets.json'), JSON.stringify(sets.map(({ x, ...rest }) => rest)));

const ours = [];
for (const s of sets) {
  for (let seed = 0; seed < SEEDS; seed++) {
    const start = performance.now();
    const options = { updateVariances: true, updateWeights: true, maxFittingSteps: 500, convergenceThreshold: 1e-8, randomState: seed };
    if (nInit !== 1) options.nInit = nInit;
    if (init !== 'k-means||') options.kMeansTrainer = new KMeansMachine(s.k, { randomState: seed, initMethod: init });
    const m = new GMMMachine(s.k, options);
    m.varianceThresholds = 1e-6;
    await m.fit(s.x, { onWarning: () => {} });
    ours.push({ set: s.index, seed, average: await m.score(s.x), steps: m.nIter, seconds: (performance.now() - start) / 1000 });
    m.dispose();
  }
  process.stdout.write(`set ${s.index} (K ${s.k}, D ${s.d}, N ${s.n}): ${ours.filter((r) => r.set === s.index).map((r) => r.average.toFixed(3)).join(' ')}\n`);
}

const py = spawnSync(PYTHON, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'anchors', 'sklearn_starts.py'), dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
rmSync(dir, { recursive: true, force: true });
if (py.status !== 0) throw new Error(`scikit-learn anchor failed:\n${py.stderr}`);
const sk = py.stdout.trim().split('\n').map((l) => JSON.parse(l));
const best = sets.map((s) => Math.max(...ours.filter((r) => r.set === s.index).map((r) => r.average), ...sk.filter((r) => r.set === s.index).map((r) => r.average ?? r.best)));
const hit = (r) => Math.abs(r.average - best[r.set]) <= 1e-3 * Math.abs(best[r.set]);
const skFits = sk.filter((r) => r.seed !== undefined);
const summary = {
  date: new Date().toISOString(),
  sets: which,
  init,
  nInit,
  perSet: sets.map((s, i) => ({ k: s.k, d: s.d, n: s.n, best: best[i], tfjsEm: ours.filter((r) => r.set === i && hit(r)).length, scikitLearn: skFits.filter((r) => r.set === i && hit(r)).length })),
  reached: { tfjsEm: ours.filter(hit).length, scikitLearn: skFits.filter(hit).length, of: sets.length * SEEDS },
  ours,
  scikitLearn: sk,
};
console.log(JSON.stringify({ perSet: summary.perSet, reached: summary.reached }, null, 1));
if (args.out) writeFileSync(args.out, `${JSON.stringify(summary, null, 1)}\n`);
