// Headless Chromium running bench/browser/page.mjs on the bench's data, served with the
// library's browser build (scripts/build-browser.mjs) and static server.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PATH as CHROMIUM, launchChromium } from '../../scripts/chromium.mjs';
import { buildBrowser, bundleLibrary, importMap } from '../../scripts/build-browser.mjs';
import { startServer } from '../../scripts/static-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** { problem } when Chromium is missing or fails; else a page with backend(name), run(name, mode, k), close(). */
export async function openChromium(dataDir, n, d) {
  if (!existsSync(CHROMIUM)) return { problem: `${CHROMIUM} is missing (apt-get install -y chromium)` };
  const dir = mkdtempSync(path.join(tmpdir(), 'tfjs-em-bench-page-'));
  const closers = [async () => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    await buildBrowser({ outdir: path.join(dir, 'lib') });
    await bundleLibrary(path.join(ROOT, 'bench/browser/page.mjs'), path.join(dir, 'bench.js'));
    writeFileSync(
      path.join(dir, 'index.html'),
      `<!doctype html><meta charset="utf-8"><script type="importmap">${JSON.stringify(importMap('./lib/'))}</script>` +
        '<script type="module" src="./bench.js"></script>\n',
    );
    const server = await startServer({ routes: { '/': dir, '/data/': dataDir } });
    closers.push(() => server.close());
    const browser = await launchChromium();
    closers.push(() => browser.close());
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => window.tfjsEmBench?.ready === true, null, { timeout: 60000 }).catch((e) => {
      throw new Error(`the bench page did not start: ${errors.join('; ') || e.message}`);
    });
    await page.evaluate(([rows, cols]) => window.tfjsEmBench.load(rows, cols), [n, d]);
    return {
      backend: (name) => page.evaluate((b) => window.tfjsEmBench.backend(b), name),
      run: (name, mode, k) => page.evaluate(([b, m, kk]) => window.tfjsEmBench.run(b, m, kk), [name, mode, k]),
      score: (name, k) => page.evaluate(([b, kk]) => window.tfjsEmBench.score(b, kk), [name, k]),
      userAgent: () => page.evaluate(() => navigator.userAgent),
      close,
    };
  } catch (error) {
    await close();
    return { problem: `Chromium bench page failed: ${String(error.message ?? error).split('\n')[0]}` };
  }
}
