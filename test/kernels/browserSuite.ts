/**
 * The e-step and log-likelihood ops in headless Chromium on one browser backend, fused
 * and plain, against the float64 reference of centredCases.ts. One test file per backend
 * (browser.<backend>.test.ts), so that jest runs them side by side; they run in one jest project only.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildBrowser, bundleLibrary, importMap } from '../../scripts/build-browser.mjs';
import { ROOT, backendPages, openSite, whenAvailable, type BrowserBackend, type Site } from '../browser/harness.js';
import { casesFor } from './centredCases.js';
import { caseName, whitenedCases } from './whitenedCases.js';

type Api = {
  tfjsEmKernels: {
    setBackend(name: string): Promise<string | null>;
    centred(mode: 'fused' | 'plain'): Promise<[string, string | null][]>;
    whitened(mode: 'fused' | 'plain'): Promise<[string, string | null][]>;
  };
};

async function build(dir: string): Promise<void> {
  await buildBrowser({ outdir: path.join(dir, 'lib'), vendor: true });
  await bundleLibrary(path.join(ROOT, 'test/kernels/page/eStepChecks.ts'), path.join(dir, 'kernels.js'));
  writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify(importMap('./lib/'))}</script>
<script type="module" src="./kernels.js"></script>`,
  );
}

/** Registers the e-step checks on `backend`. */
export async function eStepKernelSuite(backend: BrowserBackend): Promise<void> {
  const site: Site | string = await openSite(build);
  const log: string[] = [];
  const page = (await backendPages(site, 'tfjsEmKernels', log, [backend])).get(backend);
  const problem = typeof site === 'string' ? site : typeof page === 'string' ? page : null;

  describe(`e-step kernels in Chromium ${backend}`, () => {
    afterAll(async () => {
      if (typeof site === 'object') await site.close();
      if (log.length > 0) console.log(`browser console:\n${log.join('\n')}`);
    });
    whenAvailable(`Chromium ${backend} backend`, problem, () => {
      test.each(['fused', 'plain'] as const)('%s: the cases match the float64 reference', async (mode) => {
        const results = await (page as Page).evaluate((m) => (window as unknown as Api).tfjsEmKernels.centred(m), mode);
        expect(results).toEqual(casesFor(mode).map((c) => [c.name, null]));
      });
      test.each(['fused', 'plain'] as const)('%s: full and tied covariances match the float64 reference', async (mode) => {
        const results = await (page as Page).evaluate((m) => (window as unknown as Api).tfjsEmKernels.whitened(m), mode);
        expect(results).toEqual(whitenedCases.map((c) => [caseName(c), null]));
      });
    });
  });
}
