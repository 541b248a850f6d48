// Backend selection in fresh Node processes: TFJS_EM_BACKEND, 'auto', and a
// process that used WebGPU exiting by itself. src/backend is built with esbuild
// into node_modules/.cache (where the packages resolve). Runs in the first jest project only.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { probeDawnAdapter } from '../../src/backend/node/dawnProbe.js';

const ci = /^(1|true|yes)$/i.test(process.env.CI ?? '');
/** Dawn's adapter; without one the webgpu test is skipped outside CI (the webgpu project says how to install it). */
const adapter = await probeDawnAdapter();
const withWebGPU = adapter !== null || ci ? test : test.skip;
const cacheDir = path.resolve('node_modules/.cache');
let outDir = '';

beforeAll(async () => {
  mkdirSync(cacheDir, { recursive: true });
  outDir = mkdtempSync(path.join(cacheDir, 'tfjs-em-process-'));
  // Two entry points, as in dist/: index.js reaches node/index.js by a relative dynamic import.
  await build({
    entryPoints: ['src/backend/index.ts', 'src/backend/node/index.ts'],
    outbase: 'src/backend',
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
});

afterAll(() => {
  if (outDir !== '') rmSync(outDir, { recursive: true, force: true });
});

/** Runs an ESM snippet with `b` bound to the built backend module; its stdout, trimmed, and stderr. */
function run(body: string, env: Record<string, string | undefined> = {}): { out: string; err: string; status: number | null } {
  const url = pathToFileURL(path.join(outDir, 'index.js')).href;
  const script = `const b = await import(${JSON.stringify(url)});\n${body}`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: childEnv, encoding: 'utf8', timeout: 60000 });
  return { out: r.stdout.trim(), err: r.stderr, status: r.status };
}

describe('backends in a fresh Node process', () => {
  test('TFJS_EM_BACKEND is what ensureBackend() starts', () => {
    const r = run('console.log(await b.ensureBackend());', { TFJS_EM_BACKEND: 'wasm' });
    expect(r.out).toBe('wasm');
  });

  test('a wrong TFJS_EM_BACKEND is INVALID_ARGUMENT naming the variable', () => {
    const r = run('await b.ensureBackend().catch((e) => console.log(e.code, e.message));', { TFJS_EM_BACKEND: 'gpu' });
    expect(r.out).toMatch(/^INVALID_ARGUMENT TFJS_EM_BACKEND must be one of/);
  });

  test("without a request or TFJS_EM_BACKEND, 'auto' picks a backend that runs", () => {
    const r = run('const name = await b.ensureBackend(); console.log(name, b.getBackendInfo().name); await b.releaseBackend();', {
      TFJS_EM_BACKEND: undefined,
    });
    const [chosen, running] = r.out.split(' ');
    expect(['tensorflow', 'webgpu', 'wasm', 'cpu']).toContain(chosen);
    expect(running).toBe(chosen);
    // The adapter is probed in a child process: Dawn's native notes reach stderr only when webgpu runs here.
    if (chosen !== 'webgpu') expect(r.err).not.toMatch(/artificially reduced/);
  });

  withWebGPU(`a process that used webgpu exits after releaseBackend, its private XDG_RUNTIME_DIR removed${adapter === null ? ' (skipped: Dawn gives no adapter; bash scripts/setup.sh installs lavapipe)' : ''}`, () => {
    const r = run(
      `const tf = await import('@tensorflow/tfjs-core');
       await b.useBackend('webgpu');
       console.log((await tf.sum(tf.ones([1000])).data())[0], process.env.XDG_RUNTIME_DIR);
       await b.releaseBackend();`,
      { XDG_RUNTIME_DIR: undefined },
    );
    expect(r.status).toBe(0);
    const [sum, dir] = r.out.split(' ');
    expect(sum).toBe('1000');
    expect(path.basename(dir)).toMatch(/^tfjs-em-xdg-/);
    expect(existsSync(dir)).toBe(false);
  });
});
