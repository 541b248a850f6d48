/**
 * bob.learn.em's reference checks (test/helpers/referenceCases.ts, as in test/gmm) in headless
 * Chromium on webgl, webgpu and wasm, against the browser bundle (scripts/build-browser.mjs).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildBrowser, bundlePage, importMap } from '../../scripts/build-browser.mjs';
import { referenceCases } from '../helpers/referenceCases.js';
import { BROWSER_BACKENDS, ROOT, backendPages, openSite, whenAvailable, type Site } from './harness.js';
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

const site: Site | string = await openSite(build);
const log: string[] = [];
const pages = await backendPages(site, 'tfjsEm', log);

describe('reference checks in Chromium', () => {
  afterAll(async () => {
    if (typeof site === 'object') await site.close();
    if (log.length > 0) console.log(`browser console:\n${log.join('\n')}`);
  });

  for (const backend of BROWSER_BACKENDS) {
    const page = pages.get(backend);
    const problem = typeof site === 'string' ? site : typeof page === 'string' ? page : null;
    describe(backend, () => {
      whenAvailable(`Chromium ${backend} backend`, problem, () => {
        test.each(referenceCases.map((c) => c.name))('%s', async (name) => {
          const result = await (page as Page).evaluate((n) => (window as unknown as Api).tfjsEm.run(n), name);
          if (!result.ok) throw new Error(result.error);
        });
      });
    });
  }
});
