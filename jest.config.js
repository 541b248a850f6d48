/**
 * One jest project per backend: the backend-dependent suites run once on each.
 * TFJS_EM_TEST_BACKENDS picks them (comma-separated); test/setup/backend.ts
 * sets the backend up, failing under CI=true where it cannot, skipping loudly elsewhere.
 * TFJS_EM_TEST_QUICK=1 (npm run test:quick) leaves out the Chromium suites.
 */
import { buildWasm } from './scripts/build-wasm.mjs';

// The host kernels import their generated WebAssembly module (see scripts/build-wasm.mjs).
await buildWasm();

const backends = (process.env.TFJS_EM_TEST_BACKENDS ?? 'cpu,wasm,webgpu').split(',').map((b) => b.trim()).filter(Boolean);
const quick = process.env.TFJS_EM_TEST_QUICK === '1';

const base = {
  preset: 'ts-jest/presets/default-esm',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup/backend.ts'],
};

/** The Chromium suites: they start their own browser and choose its backends. */
const browser = ['<rootDir>/test/browser/', '<rootDir>/test/kernels/browser[^/]*\\.test\\.ts$'];

/**
 * Tests whose subject does not depend on the jest project's backend (host-only code, packaging,
 * fresh processes, files, the CLI, the browser suites): first project only.
 */
const once = [
  '<rootDir>/test/backend/process\\.test\\.ts$',
  '<rootDir>/test/backend/bundle\\.test\\.ts$',
  '<rootDir>/test/gmm/gmmStats\\.test\\.ts$',
  '<rootDir>/test/gmm/centredMoments\\.test\\.ts$',
  '<rootDir>/test/kernels/host(Kernel|Linalg)\\.test\\.ts$',
  '<rootDir>/test/factorAnalysis/(bobTraining|machines)\\.test\\.ts$',
  '<rootDir>/test/math/',
  '<rootDir>/test/io/',
  '<rootDir>/test/hardening/fuzz\\.test\\.ts$',
  '<rootDir>/test/hardening/hostile\\.test\\.ts$',
  '<rootDir>/test/cli/',
  '<rootDir>/test/distributed/',
  ...browser,
];

/** Tests that compare a backend with cpu: nothing to compare on cpu itself. */
const notOnCpu = ['<rootDir>/test/backend/parity\\.test\\.ts$'];

export default {
  projects: backends.map((backend, i) => ({
    ...base,
    displayName: backend,
    globals: { TFJS_EM_TEST_BACKEND: backend },
    testPathIgnorePatterns: [
      '/node_modules/',
      ...(i === 0 ? [] : once),
      ...(backend === 'cpu' ? notOnCpu : []),
      ...(quick ? browser : []),
    ],
  })),
  // Both cores: most suites are single-threaded (a third worker measured slower: 8m18 against 7m06).
  maxWorkers: 2,
  testTimeout: 120000,
};
