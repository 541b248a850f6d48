/**
 * The fused e-step kernels in headless Chromium on one browser backend, against the plain
 * TF.js path (tolerances in fusedCases.ts), and on the GPU backends the centred kernels
 * against their float64 reference (centredCases.ts). One test file per backend (browser.<backend>.test.ts),
 * so that jest runs them side by side; they run in one jest project only.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildBrowser, bundleLibrary, importMap } from '../../scripts/build-browser.mjs';
import { ROOT, backendPages, openSite, whenAvailable, type BrowserBackend, type Site } from '../browser/harness.js';
import { CENTRED_CASES } from './centredCases.js';
import { SHAPES } from './fusedCases.js';

type Api = {
  tfjsEmKernels: {
    setBackend(name: string): Promise<string | null>;
    compare(): Promise<(string | null)[]>;
    deadRows(): Promise<[number, boolean]>;
    centred(): Promise<[string, string | null][]>;
  };
};

/** The browser backends whose e-step kernels take the centred inputs so far. */
const CENTRED_BACKENDS: BrowserBackend[] = ['webgl', 'webgpu'];

async function build(dir: string): Promise<void> {
  await buildBrowser({ outdir: path.join(dir, 'lib'), vendor: true });
  await bundleLibrary(path.join(ROOT, 'test/kernels/page/fusedChecks.ts'), path.join(dir, 'kernels.js'));
  writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify(importMap('./lib/'))}</script>
<script type="module" src="./kernels.js"></script>`,
  );
}

/** Registers the fused-kernel checks on `backend`. */
export async function fusedKernelSuite(backend: BrowserBackend): Promise<void> {
  const site: Site | string = await openSite(build);
  const log: string[] = [];
  const page = (await backendPages(site, 'tfjsEmKernels', log, [backend])).get(backend);
  const problem = typeof site === 'string' ? site : typeof page === 'string' ? page : null;

  describe(`fused e-step kernels in Chromium ${backend}`, () => {
    afterAll(async () => {
      if (typeof site === 'object') await site.close();
      if (log.length > 0) console.log(`browser console:\n${log.join('\n')}`);
    });
    whenAvailable(`Chromium ${backend} backend`, problem, () => {
      test(`packed statistics match the plain path (${SHAPES.length} shapes)`, async () => {
        const results = await (page as Page).evaluate(() => (window as unknown as Api).tfjsEmKernels.compare());
        expect(results).toEqual(SHAPES.map(() => null));
      });
      test('rows with no finite log-likelihood: -Inf and zero statistics', async () => {
        const [ll, anyNonZero] = await (page as Page).evaluate(() => (window as unknown as Api).tfjsEmKernels.deadRows());
        expect(ll).toBe(-Infinity);
        expect(anyNonZero).toBe(false);
      });
      if (CENTRED_BACKENDS.includes(backend)) {
        test(`centred kernels match the float64 reference (${CENTRED_CASES.length} cases)`, async () => {
          const results = await (page as Page).evaluate(() => (window as unknown as Api).tfjsEmKernels.centred());
          expect(results).toEqual(CENTRED_CASES.map((c) => [c.name, null]));
        });
      }
    });
  });
}
