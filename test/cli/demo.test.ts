/** tfjs-em demo on a small task: it finishes with an EER, and writes the models, the scores and a DET chart. */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BACKEND, buildOnce, tfjsEm } from './cli.js';
import { h5pyRead, tempDir } from './fixtures.js';

beforeAll(buildOnce, 300_000);

test('demo --speakers 3 --gaussians 8', async () => {
  const dir = tempDir();
  const out = path.join(dir, 'demo');
  const run = await tfjsEm(['demo', '--speakers', '3', '--gaussians', '8', '--out', out, '--format', 'json']);
  expect(run.code).toBe(0);
  const summary = JSON.parse(run.stdout);
  expect(summary).toMatchObject({ backend: BACKEND, speakers: 3, gaussians: 8, features: 20, genuineTrials: 15, impostorTrials: 30, out });
  expect(summary.eerPercent).toBeGreaterThanOrEqual(0);
  expect(summary.eerPercent).toBeLessThanOrEqual(50);
  expect(run.stderr).toMatch(new RegExp(`^demo: backend ${BACKEND};`));
  expect(run.stderr).toMatch(/UBM EM: step 1\/25/);

  expect(readdirSync(out).sort()).toEqual(['det.svg', 'scores.csv', 'speakers', 'ubm.h5']);
  expect(readdirSync(path.join(out, 'speakers')).sort()).toEqual(['spk01.h5', 'spk02.h5', 'spk03.h5']);
  expect(readdirSync(dir)).toEqual(['demo']);
  const svg = readFileSync(path.join(out, 'det.svg'), 'utf8');
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain(`EER ${summary.eerPercent.toFixed(2)}%`);
  expect(svg).not.toMatch(/(href|src)=/);
  const scores = readFileSync(path.join(out, 'scores.csv'), 'utf8').trim().split('\n');
  expect(scores[0]).toBe('model,test,genuine,llr');
  expect(scores).toHaveLength(1 + 45);
  expect(h5pyRead(path.join(out, 'ubm.h5')).datasets.n_gaussians.value).toBe(8);
  expect(h5pyRead(path.join(out, 'speakers', 'spk02.h5')).datasets.trainer.value).toBe('map');
  expect(existsSync(path.join(dir, 'demo-output'))).toBe(false);
  rmSync(dir, { recursive: true, force: true });
});
