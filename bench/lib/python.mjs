// The Python anchors (bench/anchors/serve.py) as a child process answering JSON lines.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const ANCHORS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'anchors');
export const PYTHON = process.env.TFJS_EM_PYTHON ?? '/usr/bin/python3';
const INSTALL = 'apt-get install -y python3-numpy python3-sklearn';
/** Why the PyTorch anchor cannot run, from the anchor process's info; null when it can. */
const torchProblem = (info) => (info.torch ? null : `PyTorch missing for ${PYTHON} (apt-get install -y python3-torch)`);

/** null when numpy and scikit-learn import; otherwise why not. */
export function pythonProblem() {
  const probe = spawnSync(PYTHON, ['-c', 'import numpy, sklearn'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found (${INSTALL})`;
  return probe.status === 0 ? null : `numpy or scikit-learn missing for ${PYTHON} (${INSTALL})`;
}

export function startPython() {
  const child = spawn(PYTHON, [path.join(ANCHORS, 'serve.py')], { cwd: ANCHORS, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async (request) => {
    child.stdin.write(`${JSON.stringify(request)}\n`);
    const { value, done } = await lines.next();
    if (done) throw new Error('the Python anchor process ended');
    const answer = JSON.parse(value);
    if (answer.error) throw new Error(`Python anchor: ${answer.error}`);
    return answer;
  };
  return {
    info: () => ask({ cmd: 'info' }),
    load: (file, n, d) => ask({ cmd: 'load', path: file, n, d }),
    run: (anchor, k, init, covariance = 'diag') => ask({ cmd: 'run', anchor, k, init, covariance }),
    settle: () => settle(child.pid),
    close: () => child.stdin.end(),
  };
}

const SETTLE_POLL_MS = 50;
const SETTLE_MAX_MS = 5000;

/**
 * Waits until a process has used no CPU for one poll (BLAS and OpenMP worker threads spin on for
 * a while after a call, and would slow the next cell): the milliseconds waited, at most 5 s; null
 * where /proc cannot tell.
 */
async function settle(pid) {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return null;
  // utime and stime, fields 14 and 15 (the name in parentheses may hold spaces)
  const ticks = () => readFileSync(stat, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((a, b) => a + Number(b), 0);
  const t0 = performance.now();
  for (let last = ticks(); performance.now() - t0 < SETTLE_MAX_MS; ) {
    await sleep(SETTLE_POLL_MS);
    const now = ticks();
    if (now === last) break;
    last = now;
  }
  return performance.now() - t0;
}

/**
 * The anchor process with the samples of dataFile loaded, and which of the wanted anchors can
 * run; each that cannot is named in meta.unavailable with the reason (meta.python: versions).
 */
export async function openAnchors(wanted, dataFile, n, d, meta, log) {
  if (wanted.length === 0) return { python: null, anchors: [] };
  const problem = pythonProblem();
  if (problem !== null) {
    for (const a of wanted) meta.unavailable[a] = problem;
    log(`skipping the Python anchors: ${problem}`);
    return { python: null, anchors: [] };
  }
  const python = startPython();
  meta.python = await python.info();
  await python.load(dataFile, n, d);
  const anchors = wanted.filter((a) => a !== 'torch' || torchProblem(meta.python) === null);
  if (anchors.length < wanted.length) {
    meta.unavailable.torch = torchProblem(meta.python);
    log(`skipping torch: ${meta.unavailable.torch}`);
  }
  return { python, anchors };
}
