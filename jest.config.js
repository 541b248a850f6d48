/**
 * One jest project per backend: the whole suite runs once on each.
 * TFJS_EM_TEST_BACKENDS picks them (comma-separated); test/setup/backend.ts
 * sets the backend up, failing under CI=true where it cannot, skipping loudly elsewhere.
 */
const backends = (process.env.TFJS_EM_TEST_BACKENDS ?? 'cpu,wasm,webgpu').split(',').map((b) => b.trim()).filter(Boolean);

const base = {
  preset: 'ts-jest/presets/default-esm',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup/backend.ts'],
};

/**
 * Tests whose subject does not depend on the jest project's backend (packaging, fresh
 * processes, files, the CLI, the browser suites that pick their own backends): first project only.
 */
const once = [
  '<rootDir>/test/backend/process\\.test\\.ts$',
  '<rootDir>/test/backend/bundle\\.test\\.ts$',
  '<rootDir>/test/io/',
  '<rootDir>/test/cli/',
  '<rootDir>/test/browser/',
  '<rootDir>/test/kernels/browser\\.test\\.ts$',
  '<rootDir>/test/distributed/',
];

export default {
  projects: backends.map((backend, i) => ({
    ...base,
    displayName: backend,
    globals: { TFJS_EM_TEST_BACKEND: backend },
    testPathIgnorePatterns: ['/node_modules/', ...(i === 0 ? [] : once)],
  })),
  testTimeout: 120000,
};
