import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';

/** Dawn's native notes about lavapipe's limits, printed straight to stderr where no option reaches them. */
const DAWN_NOTE = /^Warning: maxDynamic\w+ artificially reduced from \d+ to \d+/;
const FILTERED = 'TFJS_EM_STDERR_FILTERED';

/**
 * With -q and webgpu chosen, the CLI runs itself again in a child whose stderr
 * passes through here less Dawn's notes. Returns null when that is not needed
 * (or this is the child), else the child's exit code. SIGINT from a terminal
 * reaches the child directly (same process group); SIGTERM is passed on.
 */
export function runWithoutDawnNotes(argv: string[]): Promise<number> | null {
  const quiet = argv.includes('-q') || argv.includes('--quiet');
  const at = argv.indexOf('--backend');
  const backend = at >= 0 ? argv[at + 1] : process.env.TFJS_EM_BACKEND;
  if (!quiet || backend !== 'webgpu' || process.env[FILTERED] === '1') return null;
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...argv], {
    stdio: ['inherit', 'inherit', 'pipe'],
    env: { ...process.env, [FILTERED]: '1' },
  });
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (!DAWN_NOTE.test(line)) process.stderr.write(`${line}\n`);
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]))));
}
