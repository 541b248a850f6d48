/**
 * A private redis-server for a test file (127.0.0.1, a free port, no persistence), and
 * tfjs-em workers started against it. Without redis-server the tests fail under CI=true
 * and are skipped with a warning elsewhere.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { MAIN, BACKEND, type Run } from '../cli/cli.js';

const CI = process.env.CI === 'true';

/** Why redis-server cannot run here, or null. */
export function redisProblem(): string | null {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return found.error ? 'redis-server is not installed (scripts/setup.sh: apt-get install redis-server)' : null;
}

/** Registers the file's tests when redis-server exists; otherwise one failing test in CI, or a loud skip. */
export function withRedis(body: () => void): void {
  const problem = redisProblem();
  if (problem === null) return body();
  if (CI) {
    test('redis-server starts', () => {
      throw new Error(problem);
    });
    return;
  }
  console.warn(`SKIPPED distributed tests: ${problem}`);
  test.skip(`distributed tests (skipped: ${problem})`, () => undefined);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  port: number;
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * redis-server on 127.0.0.1 and a free port; `extra` adds options (e.g. --requirepass).
 * With tls (certificate files), the port speaks TLS only and the URL is rediss://. `samePort`:
 * a restart where an earlier server listened.
 */
export async function startRedis(extra: string[] = [], password?: string, tls?: { cert: string; key: string; ca: string }, samePort?: number): Promise<RedisServer> {
  const port = samePort ?? (await freePort());
  const listen = tls === undefined
    ? ['--port', String(port)]
    : ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca, '--tls-auth-clients', 'no'];
  const child = spawn('redis-server', [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
    timer.unref();
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${out}`)));
  });
  return {
    port,
    url: `${tls === undefined ? 'redis' : 'rediss'}://${password === undefined ? '' : `:${password}@`}127.0.0.1:${port}`,
    process: child,
    stop: () => stopProcess(child, 'SIGKILL').then(() => undefined),
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  stderr(): string;
  /** Resolves once stderr matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** `tfjs-em worker --redis url ...` on this project's backend. */
export async function startWorker(url: string, extra: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [MAIN, 'worker', '--redis', url, ...extra], {
    env: { ...process.env, TFJS_EM_BACKEND: BACKEND, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  const waiters: { pattern: RegExp; resolve: () => void; reject: (error: Error) => void }[] = [];
  // A waiter the worker can no longer answer fails at once: no timer is left holding the test process.
  child.on('exit', () => {
    for (const w of waiters.splice(0)) w.reject(new Error(`the worker exited before printing ${w.pattern}:\n${err}`));
  });
  child.stderr!.on('data', (d) => {
    err += d;
    for (const w of waiters.filter((w) => w.pattern.test(err))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  child.stdout!.resume();
  const worker: WorkerProcess = {
    child,
    stderr: () => err,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        if (pattern.test(err)) return resolve();
        const timer = setTimeout(() => reject(new Error(`worker never printed ${pattern}:\n${err}`)), timeoutMs);
        timer.unref();
        waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()), reject: (error) => (clearTimeout(timer), reject(error)) });
      }),
    stop: () => stopProcess(child, 'SIGTERM'),
  };
  await worker.waitFor(/waiting for jobs/);
  return worker;
}

/** Sends the signal (unless the process already exited) and resolves with its exit code. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

/** A model file's parameters, to compare a distributed run with the local reference (1e-6 relative, the issue's bound). */
export async function parameters(file: string): Promise<number[]> {
  const m = await GMMMachine.fromHDF5(file);
  return [...m.weights, ...m.means, ...m.variances];
}

/** Throws with the command's stderr unless it exited 0. */
export function expectOk(run: Run): void {
  if (run.code !== 0) throw new Error(`exit ${run.code}:\n${run.stderr}`);
}

/** CPU seconds a process has used so far (user + system, from /proc). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (fields 14, 15) in clock ticks
}

/** A process's resident memory in MB (from /proc). */
export function residentMB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}
