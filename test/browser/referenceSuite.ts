/**
 * bob.learn.em's reference checks (test/helpers/referenceCases.ts, as in test/gmm) and the
 * covariance types' float64 checks (test/helpers/covarianceCases.ts) in headless
 * Chromium on one browser backend, against the browser bundle (scripts/build-browser.mjs).
 * One test file per backend (reference.<backend>.test.ts), so that jest runs them side by side.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildBrowser, bundlePage, importMap } from '../../scripts/build-browser.mjs';
import { referenceCases } from '../helpers/referenceCases.js';
import { covarianceCases } from '../helpers/covarianceCases.js';
import { ROOT, backendPages, openSite, whenAvailable, type BrowserBackend, type Site } from './harness.js';
import type { CaseResult } from './page/checks.js';

async function build(dir: string): Promise<void> {
  await buildBrowser({ outdir: path.join(dir, 'lib') });
  await bundlePage(path.join(ROOT, 'test/browser/page/checks.ts'), path.join(dir, 'checks.js'));
  writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify(importMap('./lib/'))}</script>
<script type="module" src="./checks.js"></script>`,
  );
}

type Api = { tfjsEm: { setBackend(name: string): Promise<string | null>; run(name: string): Promise<CaseResult> } };

/** Registers the reference checks on `backend`. */
export async function referenceSuite(backend: BrowserBackend): Promise<void> {
  const site: Site | string = await openSite(build);
  const log: string[] = [];
  const page = (await backendPages(site, 'tfjsEm', log, [backend])).get(backend);
  const problem = typeof site === 'string' ? site : typeof page === 'string' ? page : null;

  describe(`reference checks in Chromium ${backend}`, () => {
    afterAll(async () => {
      if (typeof site === 'object') await site.close();
      if (log.length > 0) console.log(`browser console:\n${log.join('\n')}`);
    });
    whenAvailable(`Chromium ${backend} backend`, problem, () => {
      test.each([...referenceCases, ...covarianceCases].map((c) => c.name))('%s', async (name) => {
        const result = await (page as Page).evaluate((n) => (window as unknown as Api).tfjsEm.run(n), name);
        if (!result.ok) throw new Error(result.error);
      });
    });
  });
}
