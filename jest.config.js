/** One jest project per backend: the whole suite runs once on each. */
const backends = (process.env.TFJS_EM_TEST_BACKENDS ?? 'cpu,wasm').split(',');

const base = {
  preset: 'ts-jest/presets/default-esm',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup/backend.ts'],
};

export default {
  projects: backends.map((backend) => ({ ...base, displayName: backend, globals: { TFJS_EM_TEST_BACKEND: backend } })),
  testTimeout: 120000,
};
