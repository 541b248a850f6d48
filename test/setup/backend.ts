// Sets up the jest project's backend before each test file and lets it go after.
// A backend that cannot start fails every test file under CI=true; elsewhere the
// file's tests are skipped, with a line saying which backend and how to install it.
import { releaseBackend, useBackend } from '../../src/backend/index.js';
import type { BackendName } from '../../src/backend/index.js';

const name = (globalThis as { TFJS_EM_TEST_BACKEND?: string }).TFJS_EM_TEST_BACKEND as BackendName;
const ci = /^(1|true|yes)$/i.test(process.env.CI ?? '');

let failure: string | null = null;
try {
  await useBackend(name);
} catch (error) {
  failure = error instanceof Error ? error.message : String(error);
}

if (failure !== null) {
  const where = expect.getState().testPath ?? 'this file';
  if (ci) throw new Error(`jest project '${name}': ${failure} (CI=true: every backend project must run)`);
  process.stderr.write(`\n[tfjs-em] SKIPPED on '${name}' (${where}): ${failure} Or leave '${name}' out: TFJS_EM_TEST_BACKENDS=cpu,wasm.\n`);
  const g = globalThis as Record<string, unknown>;
  g.describe = describe.skip;
  g.test = test.skip;
  g.it = it.skip;
}

afterAll(releaseBackend);

// The bundling suites start an esbuild service in the file's module registry; stopped here, it
// does not outlive the file in the jest worker (nothing happens where none started).
afterAll(async () => (await import('esbuild')).stop());
