/**
 * Runs the built command line as a user would: `node dist/src/cli/main.js ...`. The build
 * (tsc -p tsconfig.build.json) runs once for all test files, under a lock, and only when a
 * source file is newer than the built CLI.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = process.cwd();
export const MAIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const LOCK = path.join(tmpdir(), `tfjs-em-cli-build-${ROOT.replace(/[^a-zA-Z0-9]/g, '_')}.lock`);

/** The backend of the jest project running this file (see jest.config.js). */
export const BACKEND = ((globalThis as { TFJS_EM_TEST_BACKEND?: string }).TFJS_EM_TEST_BACKEND ?? 'cpu') as string;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function isFresh(): boolean {
  return existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestSource(path.join(ROOT, 'src'));
}

async function withLock<T>(work: () => T): Promise<T> {
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test file is building; a lock older than 5 minutes was left by a killed run.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 300_000) rmSync(LOCK, { recursive: true, force: true });
      if (waited > 600_000) throw new Error(`waited 10 minutes for ${LOCK}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Builds dist/ if a source changed. Type errors in the CLI's own files fail the tests; errors
 * elsewhere (work in progress in a shared tree) are shown but do not stop tsc from emitting.
 */
export async function buildOnce(): Promise<void> {
  if (isFresh()) return;
  await withLock(() => {
    if (isFresh()) return;
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
    const errors = result.stdout.split('\n').filter((l) => /error TS/.test(l));
    const ours = errors.filter((l) => /^src\/(cli|io\/data)\//.test(l));
    if (ours.length > 0 || !existsSync(MAIN)) throw new Error(`the CLI does not build:\n${ours.join('\n') || result.stdout}`);
    if (errors.length > 0) console.warn(`tsc reported errors outside the CLI:\n${errors.join('\n')}`);
  });
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stderr split into lines, without the empty last one. */
  errLines: string[];
}

export interface RunOptions {
  cwd?: string;
  /** Called with each stderr chunk; may act on the child (e.g. send SIGINT). */
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
  /** Variables to set (undefined: to remove) in the command's environment. */
  env?: Record<string, string | undefined>;
}

/** Runs `tfjs-em ...args` on this project's backend (TFJS_EM_BACKEND) and collects its output. */
export function tfjsEm(args: string[], options: RunOptions = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, TFJS_EM_BACKEND: BACKEND, NODE_OPTIONS: '', ...options.env };
  for (const [key, value] of Object.entries(options.env ?? {})) if (value === undefined) delete env[key];
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: options.cwd ?? ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    options.onStderr?.(stderr, child);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, errLines: stderr.split('\n').filter((l) => l !== '') }));
  });
}
