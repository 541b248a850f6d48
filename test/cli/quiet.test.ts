/**
 * Quiet output: Dawn's native notes about an adapter's limits ("... artificially reduced ...")
 * reach stderr only when webgpu is chosen, and not even then with -q; the result is the same.
 */
import { probeDawnAdapter } from '../../src/backend/node/dawnProbe.js';
import { buildOnce, tfjsEm } from './cli.js';
import { referencePath } from '../helpers/reference.js';

const CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
const SCORE = ['score', '--model', referencePath('gmm_ML.hdf5'), '--data', referencePath('faithful.torch3_f64.hdf5'), '--format', 'json'];
const DAWN_NOTE = /artificially reduced/;

const adapter = await probeDawnAdapter();
const withWebGPU = adapter !== null || CI ? test : test.skip;

beforeAll(buildOnce, 300_000);

test("'auto' prints no Dawn notes unless it runs on webgpu", async () => {
  const run = await tfjsEm(SCORE, { env: { TFJS_EM_BACKEND: undefined } });
  expect(run.code).toBe(0);
  if (JSON.parse(run.stdout).backend !== 'webgpu') expect(run.stderr).not.toMatch(DAWN_NOTE);
});

withWebGPU(`--backend webgpu -q: nothing on stderr, the same scores as cpu${adapter === null ? ' (skipped: Dawn gives no adapter; bash scripts/setup.sh installs lavapipe)' : ''}`, async () => {
  const [gpu, cpu] = [await tfjsEm([...SCORE, '--backend', 'webgpu', '-q']), await tfjsEm([...SCORE, '--backend', 'cpu', '-q'])];
  expect(gpu.stderr).toBe('');
  expect(gpu.code).toBe(0);
  const [g, c] = [JSON.parse(gpu.stdout), JSON.parse(cpu.stdout)];
  expect(g.backend).toBe('webgpu');
  // Float32 devices: the average log-likelihood agrees to 1e-6 relative.
  expect(Math.abs(g.files[0].score - c.files[0].score)).toBeLessThan(1e-6 * Math.abs(c.files[0].score));
});
