/**
 * Faults: a save that fails (an error mid-write, a removed directory, a killed process) leaves
 * an existing model file as it was; a fit stopped by an AbortSignal keeps its last complete
 * step, which saves, loads and resumes to the result of an uninterrupted fit (1e-6 relative).
 * Ctrl-C in the CLI is tested by test/cli/errors.test.ts.
 */
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import type { GMMRecord } from '../../src/io/records.js';
import { expectClose } from '../helpers/expectClose.js';
import { BACKEND, blobs, expectEmError, givenMachine, scratchDir } from './helpers.js';

const data = blobs([[0, 0], [4, 4], [0, 5]], 40, 1, 21);
const startMeans = [[1, 1], [3, 3], [1, 4]];
const startVariances = [[2, 2], [2, 2], [2, 2]];
const start = (steps: number) => givenMachine(startMeans, startVariances, { maxFittingSteps: steps, convergenceThreshold: null });

/** A record whose means can be read once (the check before writing); the next read, mid-write, runs `midWrite`. */
function hookedRecord(record: GMMRecord, midWrite: () => Float64Array): GMMRecord {
  let reads = 0;
  return { ...record, get means(): Float64Array { return reads++ === 0 ? record.means : midWrite(); } };
}

describe('saving over an existing model', () => {
  let dir: string;
  let target: string;
  let old: GMMMachine;
  let oldBytes: Buffer;
  beforeEach(async () => {
    dir = scratchDir();
    target = path.join(dir, 'model.h5');
    old = start(1);
    await old.save(target);
    oldBytes = fs.readFileSync(target);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function expectOldIntact(): Promise<void> {
    expect(fs.readFileSync(target).equals(oldBytes)).toBe(true);
    const loaded = await GMMMachine.fromHDF5(target);
    expect(loaded.toRecord()).toEqual(old.toRecord());
  }

  test('an error while the file is being produced: INVALID_ARGUMENT naming the path and the cause; the old file is intact, nothing left behind', async () => {
    const m = start(1);
    await m.fit(data);
    const record = m.toRecord();
    m.toRecord = () => hookedRecord(record, () => { throw new Error('device lost'); });
    await expectEmError(() => m.save(target), 'INVALID_ARGUMENT', target, 'device lost');
    m.dispose();
    await expectOldIntact();
    expect(fs.readdirSync(dir)).toEqual(['model.h5']);
  });

  test('a machine that cannot be written (never initialised) is refused before the old file is touched', async () => {
    await expectEmError(() => new GMMMachine(3).save(target), 'NOT_INITIALIZED', 'means were never set');
    await expectOldIntact();
    expect(fs.readdirSync(dir)).toEqual(['model.h5']);
  });

  test('the directory removed mid-write: a TfjsEmError naming the path, nothing written elsewhere', async () => {
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    const m = start(1);
    const record = m.toRecord();
    m.toRecord = () => hookedRecord(record, () => (fs.rmSync(sub, { recursive: true, force: true }), record.means));
    await expectEmError(() => m.save(path.join(sub, 'model.h5')), 'INVALID_ARGUMENT', `cannot write ${path.join(sub, 'model.h5')}`);
    expect(fs.readdirSync(dir)).toEqual(['model.h5']);
    await expectOldIntact();
  });

  test('a process killed mid-save (SIGKILL), just before the rename: the old file is intact, the new one complete beside it', async () => {
    // The child saves through src/io (built with esbuild into node_modules/.cache, where packages resolve),
    // with fs.renameSync wrapped to report its arguments and block for good; then it is killed. No timing.
    const cache = path.resolve('node_modules/.cache');
    fs.mkdirSync(cache, { recursive: true });
    const out = fs.mkdtempSync(path.join(cache, 'tfjs-em-hardening-'));
    const fresh = start(1);
    await fresh.fit(data);
    let renaming: { from: string; to: string } | null = null;
    try {
      await build({ entryPoints: ['src/io/index.ts'], outdir: out, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
      const record = fresh.toRecord();
      const plain = { ...record, weights: [...record.weights], means: [...record.means], variances: [...record.variances], varianceThresholds: { shape: record.varianceThresholds.shape, data: [...record.varianceThresholds.data] } };
      const script = `
        import fs from 'node:fs';
        import { syncBuiltinESMExports } from 'node:module';
        const rename = fs.renameSync;
        fs.renameSync = (from, to) => {
          process.stdout.write(JSON.stringify({ from: String(from), to: String(to) }) + '\\n');
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
          rename(from, to);
        };
        syncBuiltinESMExports();
        const { writeGMMFile } = await import(${JSON.stringify(pathToFileURL(path.join(out, 'index.js')).href)});
        const r = ${JSON.stringify(plain)};
        const f64 = (a) => Float64Array.from(a);
        await writeGMMFile(${JSON.stringify(target)}, { ...r, weights: f64(r.weights), means: f64(r.means), variances: f64(r.variances),
          varianceThresholds: { shape: r.varianceThresholds.shape, data: f64(r.varianceThresholds.data) } });
        process.stdout.write('saved without renaming\\n');`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const line = stdout.split('\n')[0];
          if (stdout.includes('\n') && line.startsWith('{') && renaming === null) {
            renaming = JSON.parse(line) as { from: string; to: string };
            child.kill('SIGKILL');
          }
        });
        child.on('close', (_code, sig) => resolve(sig));
      });
      // An implementation that never renames (a direct, non-atomic write) ends here.
      expect({ signal, stdout: renaming === null ? stdout : 'renaming', stderr }).toEqual({ signal: 'SIGKILL', stdout: 'renaming', stderr: '' });
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
    const { from, to } = renaming!;
    expect(to).toBe(target);
    expect(path.dirname(from)).toBe(dir);
    await expectOldIntact();
    expect(fs.readdirSync(dir).sort()).toEqual([path.basename(from), 'model.h5'].sort());
    expect((await GMMMachine.fromHDF5(from)).toRecord()).toEqual(fresh.toRecord());
    fresh.dispose();
  });
});

describe(`a fit stopped by an AbortSignal (${BACKEND})`, () => {
  const TOTAL = 8;
  const STOP = 3;

  test(`stopped after step ${STOP}: the machine holds step ${STOP}; saved, loaded and resumed for ${TOTAL - STOP} steps it equals an uninterrupted ${TOTAL}-step fit (1e-6 relative)`, async () => {
    const trajectory: number[] = [];
    const atStop: { params?: ReturnType<GMMMachine['params']> } = {};
    const full = start(TOTAL);
    await full.fit(data, { onStep: (s) => { trajectory.push(s.averageLogLikelihood); if (s.step === STOP) atStop.params = full.params(); } });

    const controller = new AbortController();
    const stopped = start(TOTAL);
    const fit = stopped.fit(data, { signal: controller.signal, onStep: (s) => s.step === STOP && controller.abort() });
    await expect(fit).rejects.toMatchObject({ name: 'AbortError' });
    expect(stopped.nIter).toBe(STOP);
    expect(stopped.converged).toBe(false);
    for (const key of ['weights', 'means', 'variances'] as const) expectClose(stopped.params()[key], atStop.params![key], 1e-6);

    const dir = scratchDir();
    try {
      await stopped.save(path.join(dir, 'stopped.h5'));
      const resumed = await GMMMachine.fromHDF5(path.join(dir, 'stopped.h5'));
      expect(resumed.toRecord()).toEqual(stopped.toRecord());
      resumed.maxFittingSteps = TOTAL - STOP;
      const rest: number[] = [];
      await resumed.fit(data, { onStep: (s) => rest.push(s.averageLogLikelihood) });
      expectClose(rest, trajectory.slice(STOP), 1e-6);
      for (const key of ['weights', 'means', 'variances'] as const) expectClose(resumed.params()[key], full.params()[key], 1e-6);
      resumed.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    full.dispose();
    stopped.dispose();
  });

  test('a signal aborted before the fit: it rejects at once, before the k-means start; the machine stays uninitialised', async () => {
    const m = new GMMMachine(3);
    await expect(m.fit(data, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(m.isInitialized).toBe(false);
    const given = start(5);
    const before = given.toRecord();
    await expect(given.fit(data, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(given.toRecord()).toEqual(before);
    expect(given.nIter).toBe(0);
  });
});
