// The distributed benchmark (npm run bench -- --cluster): EM iterations of train --redis on
// a private redis-server with 1 and then 2 tfjs-em workers (one thread each), and the
// per-iteration coordination overhead (16 near-empty shards: everything but the e-step).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GMMMachine } from '../../dist/src/machines/GMMMachine.js';
import { Cluster } from '../../dist/src/distributed/index.js';
import { useBackend } from '../../dist/src/backend/index.js';
import { makeData, rowSource, startParameters } from './data.mjs';

export const CLUSTER_USAGE = `node bench/run.mjs --cluster [options]

  --n 1000000        samples (D = 60), split into --shards .npy files
  --k 256            Gaussians
  --shards 16        shards (files)
  --workers 1,2      worker counts to time
  --steps 2          timed EM iterations per worker count (after one warm-up iteration)
  --backend wasm     the workers' backend
  --out bench/results`;

function options(argv) {
  const o = { n: 1_000_000, d: 60, k: 256, shards: 16, workers: [1, 2], steps: 2, backend: 'wasm', out: 'bench/results' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--cluster') continue;
    else if (a === '--n') o.n = Number(v());
    else if (a === '--k') o.k = Number(v());
    else if (a === '--shards') o.shards = Number(v());
    else if (a === '--workers') o.workers = v().split(',').map(Number);
    else if (a === '--steps') o.steps = Number(v());
    else if (a === '--backend') o.backend = v();
    else if (a === '--out') o.out = v();
    else if (a === '--help' || a === '-h') {
      console.log(CLUSTER_USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${CLUSTER_USAGE}`);
  }
  return o;
}

/** A float32 .npy file of rows [start, end) of x. */
function writeShard(file, x, d, start, end) {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${end - start}, ${d}), }`;
  const padded = dict + ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
  const header = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(header);
  header.writeUInt16LE(padded.length, 8);
  const rows = x.subarray(start * d, end * d);
  writeFileSync(file, Buffer.concat([header, Buffer.from(padded, 'latin1'), Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength)]));
  return file;
}

function shardFiles(dir, x, n, d, shards) {
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: shards }, (_, s) =>
    writeShard(path.join(dir, `s${String(s).padStart(3, '0')}.npy`), x, d, Math.floor((s * n) / shards), Math.floor(((s + 1) * n) / shards)),
  );
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function startProcess(command, args, ready, env = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let text = '';
  return new Promise((resolve, reject) => {
    const look = (d) => {
      text += d;
      if (ready.test(text)) resolve(child);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', (code) => reject(new Error(`${command} exited (${code}):\n${text}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/** Seconds of each of `steps` EM iterations (e-step on the workers, m-step here) after a warm-up one. */
async function iterations(data, start, steps) {
  const gmm = new GMMMachine(start.k, { updateVariances: true, updateWeights: true });
  gmm.varianceThresholds = 0.01; // the tiny shards' m-steps would collapse variances (the data's are 0.25-2.25)
  gmm.weights = start.weights;
  gmm.means = start.means;
  gmm.variances = start.variances;
  const times = [];
  for (let i = 0; i <= steps; i++) {
    const t0 = performance.now();
    gmm.mStep(await data.gmmStats(gmm));
    if (i > 0) times.push((performance.now() - t0) / 1000);
  }
  gmm.dispose();
  return times;
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

export async function clusterBench(argv, log) {
  const o = options(argv);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tfjs-em-cluster-bench-'));
  const meta = { date: new Date().toISOString(), cores: os.availableParallelism(), loadAverageStart: os.loadavg(), node: process.version, options: o };
  const redisPort = await freePort();
  const redis = await startProcess('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/);
  const url = `redis://127.0.0.1:${redisPort}`;
  const main = path.resolve('dist/src/cli/main.js');
  const startWorkers = (count) =>
    Promise.all(Array.from({ length: count }, () => startProcess(process.execPath, [main, 'worker', '--redis', url, '--backend', o.backend], /waiting for jobs/, { TFJS_EM_BACKEND: o.backend, TFJS_EM_THREADS: '1' }).catch(() => null)));
  const rows = [];
  try {
    await useBackend('cpu'); // the coordinator: m-steps and the model's bytes only
    log(`data: ${o.n} x ${o.d} in ${o.shards} shards, K = ${o.k}, workers on ${o.backend}`);
    const x = makeData(o.n, o.d).data;
    const files = shardFiles(path.join(dir, 'big'), x, o.n, o.d, o.shards);
    const start = { k: o.k, ...startParameters(o.k, o.d, { ...rowSource(o.n, o.d), fill: (s, e, out) => (out.set(x.subarray(s * o.d, e * o.d)), out) }) };
    // Tiny shards: an iteration is then coordination only (queueing, model and statistics transfer, sum, m-step).
    const tiny = shardFiles(path.join(dir, 'tiny'), x, 16 * o.shards, o.d, o.shards);
    for (const count of o.workers) {
      const workers = await waitForWorkers(startWorkers, count);
      const cluster = await Cluster.connect(url);
      try {
        const big = await iterations(await cluster.data(files), start, o.steps);
        const overhead = await iterations(await cluster.data(tiny), start, Math.max(5, o.steps));
        rows.push({ workers: count, iterationSeconds: median(big), samples: big, overheadMs: 1000 * median(overhead), overheadSamples: overhead.map((s) => 1000 * s) });
        log(`${count} worker(s): ${median(big).toFixed(2)} s per iteration; coordination ${(1000 * median(overhead)).toFixed(1)} ms per iteration at ${o.shards} shards`);
      } finally {
        await cluster.close();
        await Promise.all(workers.map(stop));
      }
    }
  } finally {
    await stop(redis);
    rmSync(dir, { recursive: true, force: true });
  }
  const one = rows.find((r) => r.workers === 1);
  const two = rows.find((r) => r.workers === 2);
  const speedUp = one && two ? one.iterationSeconds / two.iterationSeconds : null;
  meta.loadAverageEnd = os.loadavg();
  const markdown = [
    `Distributed EM (train --redis), N = ${o.n}, D = ${o.d}, K = ${o.k}, ${o.shards} shards, workers on ${o.backend}, ${meta.cores} cores`,
    '',
    '| workers | s per iteration | coordination ms per iteration (16 tiny shards) |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.workers} | ${r.iterationSeconds.toFixed(2)} | ${r.overheadMs.toFixed(1)} |`),
    '',
    speedUp === null ? '' : `speed-up 1 -> 2 workers: ${speedUp.toFixed(2)}x`,
  ].join('\n');
  mkdirSync(o.out, { recursive: true });
  const stem = path.join(o.out, `${meta.date.slice(0, 10)}-cluster`);
  writeFileSync(`${stem}.json`, `${JSON.stringify({ meta, rows, speedUp, markdown }, null, 2)}\n`);
  console.log(markdown);
  log(`wrote ${stem}.json`);
}

/** `count` workers, started and ready (their first line printed). */
async function waitForWorkers(startWorkers, count) {
  const workers = (await startWorkers(count)).filter(Boolean);
  if (workers.length !== count) throw new Error(`only ${workers.length} of ${count} workers started`);
  return workers;
}
