#!/usr/bin/env node
// Stress of distributed training (not run by CI): N runs of `tfjs-em train --redis` on three
// workers while faults strike at random times: a worker SIGKILLed (and a new one started), a
// worker SIGSTOPped for 1-12 s, Redis restarted on its port, and busy loops loading both cores.
// Every run must end within --limit seconds: with the model, or with one `tfjs-em:` error line.
// A run that does not is a hang: its faults, timings and the workers' logs are kept.
//
//   npm run build && node scripts/stress-distributed.mjs [--runs 50] [--limit 180] [--seed 1] [--out FILE]
//
// Writes a JSON summary (default bench/results/<date>-stress-distributed.json) and exits 1 on a hang.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const runs = Number(args.runs ?? 50);
const limitS = Number(args.limit ?? 180);
let seed = Number(args.seed ?? 1) >>> 0;
const out = args.out ?? path.join('bench', 'results', `${new Date().toISOString().slice(0, 10)}-stress-distributed.json`);
const MAIN = path.resolve('dist/src/cli/main.js');
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function startProcess(command, argv, env = {}) {
  const child = spawn(command, argv, { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const p = { child, log: '', exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))) };
  child.stdout.on('data', (d) => (p.log += d));
  child.stderr.on('data', (d) => (p.log += d));
  return p;
}

async function startRedis(port) {
  const r = startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  for (let i = 0; i < 100 && !r.log.includes('Ready to accept connections'); i++) await sleep(50);
  return r;
}

async function startWorker(url) {
  const w = startProcess(process.execPath, [MAIN, 'worker', '--redis', url], { TFJS_EM_BACKEND: 'wasm' });
  for (let i = 0; i < 200 && !w.log.includes('waiting for jobs'); i++) await sleep(50);
  return w;
}

/** A .npy float64 file of n rows around k centres in d dimensions. */
function writeShard(file, n, d, k, s) {
  const data = new Float64Array(n * d);
  let state = s >>> 0;
  const u = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = ((i % k) * 3 + j) % 11 + Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${n}, ${d}), }`;
  const header = dict + ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
  const prefix = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 255, header.length >> 8]);
  writeFileSync(file, Buffer.concat([prefix, Buffer.from(header), Buffer.from(data.buffer)]));
  return file;
}

const dir = mkdtempSync(path.join(tmpdir(), 'tfjs-em-stress-'));
const shards = [0, 1, 2, 3].map((i) => writeShard(path.join(dir, `s${i}.npy`), 20000, 24, 12, 7 + i));
const init = path.join(dir, 'init.h5');
const made = startProcess(process.execPath, [MAIN, 'train', '--data', shards[0], '--gaussians', '12', '--steps', '1', '--out', init, '-q']);
if ((await made.exited).code !== 0) throw new Error(made.log);

const results = [];
const loads = [0, 1].map(() => startProcess(process.execPath, ['-e', 'for (;;) {}']));
try {
  for (let run = 1; run <= runs; run++) {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    let redis = await startRedis(port);
    const workers = await Promise.all([0, 1, 2].map(() => startWorker(url)));
    const faults = [];
    const t0 = performance.now();
    const at = () => Math.round(performance.now() - t0);
    const train = startProcess(process.execPath, [MAIN, 'train', '--redis', url, '--data', ...shards, '--init', init, '--steps', '20', '--threshold', '0', '--out', path.join(dir, `m${run}.h5`), '-q']);
    let done = false;
    train.exited.then(() => (done = true));
    // Faults at random times while the run lasts.
    const striking = (async () => {
      while (!done) {
        await sleep(500 + random() * 3000);
        if (done) break;
        const kind = random();
        const i = Math.floor(random() * workers.length);
        if (kind < 0.4) {
          workers[i].child.kill('SIGKILL');
          faults.push({ at: at(), fault: 'kill', worker: i });
          workers[i] = await startWorker(url);
        } else if (kind < 0.85) {
          const ms = Math.round(1000 + random() * 11000);
          workers[i].child.kill('SIGSTOP');
          faults.push({ at: at(), fault: 'stop', worker: i, ms });
          const stopped = workers[i];
          setTimeout(() => stopped.child.kill('SIGCONT'), ms);
        } else {
          redis.child.kill('SIGKILL');
          await redis.exited;
          faults.push({ at: at(), fault: 'redis-restart' });
          await sleep(random() * 3000);
          redis = await startRedis(port);
        }
      }
    })();
    const timeout = sleep(limitS * 1000).then(() => 'timeout');
    const ended = await Promise.race([train.exited, timeout]);
    done = true;
    await striking;
    const errors = train.log.split('\n').filter((l) => l.startsWith('tfjs-em:') && !l.startsWith('tfjs-em: warning'));
    const outcome = ended === 'timeout' ? 'hang' : ended.code === 0 ? 'model' : errors.length === 1 ? 'error' : 'unclear';
    const record = { run, outcome, seconds: at() / 1000, faults, error: errors[0] ?? null };
    if (outcome === 'hang' || outcome === 'unclear') Object.assign(record, { train: train.log.slice(-4000), workers: workers.map((w) => w.log.slice(-4000)) });
    results.push(record);
    console.log(`run ${run}: ${outcome} in ${record.seconds} s, ${faults.map((f) => f.fault).join(',') || 'no faults'}${record.error ? `: ${record.error}` : ''}`);
    train.child.kill('SIGKILL');
    for (const w of workers) w.child.kill('SIGCONT'), w.child.kill('SIGKILL');
    redis.child.kill('SIGKILL');
    await Promise.all([train.exited, redis.exited, ...workers.map((w) => w.exited)]);
  }
} finally {
  for (const l of loads) l.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

const count = (o) => results.filter((r) => r.outcome === o).length;
const summary = { date: new Date().toISOString(), runs, limitSeconds: limitS, outcomes: { model: count('model'), error: count('error'), unclear: count('unclear'), hang: count('hang') }, longest: Math.max(...results.map((r) => r.seconds)), results };
writeFileSync(out, `${JSON.stringify(summary, null, 1)}\n`);
console.log(`${summary.outcomes.model} models, ${summary.outcomes.error} errors, ${summary.outcomes.unclear} unclear, ${summary.outcomes.hang} hangs; longest ${summary.longest} s; ${out}`);
process.exit(summary.outcomes.hang + summary.outcomes.unclear > 0 ? 1 : 0);
