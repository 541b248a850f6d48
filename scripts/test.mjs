// Runs jest (ESM + TypeScript) over every backend project and closes with the
// line CI reads: "N passed, N failed, N skipped". Exits non-zero on any failure.
// Builds the host kernels' WebAssembly and dist/ first (the CLI suites run the built
// command line). `--quick`: the cpu project alone, without the Chromium suites (npm run test:quick).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const dir = mkdtempSync(path.join(tmpdir(), 'tfjs-em-test-'));
const report = path.join(dir, 'jest.json');
const jest = path.join('node_modules', 'jest', 'bin', 'jest.js');
const quick = process.argv.includes('--quick');
const jestArgs = process.argv.slice(2).filter((a) => a !== '--quick');
const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --disable-warning=ExperimentalWarning`.trim() };
if (quick) Object.assign(env, { TFJS_EM_TEST_BACKENDS: 'cpu', TFJS_EM_TEST_QUICK: '1' });

const tsc = path.join('node_modules', 'typescript', 'bin', 'tsc');
const builds = [[path.join('scripts', 'build-wasm.mjs')], [tsc, '-p', 'tsconfig.build.json']];
if (builds.some((args) => spawnSync(process.execPath, args, { stdio: 'inherit' }).status !== 0)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const result = spawnSync(process.execPath, [jest, '--json', `--outputFile=${report}`, ...jestArgs], { stdio: 'inherit', env });
let summary;
try {
  summary = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  process.exit(result.status || 1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const skipped = summary.numPendingTests + summary.numTodoTests;
const suiteErrors = summary.numRuntimeErrorTestSuites;
const failed = summary.numFailedTests + suiteErrors;
console.log(`${summary.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || result.status !== 0 || summary.numPassedTests === 0 ? 1 : 0);
