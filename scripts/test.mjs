// Runs jest (ESM + TypeScript) over every backend project and closes with the
// line CI reads: "N passed, N failed, N skipped". Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const dir = mkdtempSync(path.join(tmpdir(), 'tfjs-em-test-'));
const report = path.join(dir, 'jest.json');
const jest = path.join('node_modules', 'jest', 'bin', 'jest.js');
const result = spawnSync(process.execPath, [jest, '--json', `--outputFile=${report}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim() },
});
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
