/**
 * Shared by the browser suites: when they run, headless Chromium (Debian's, driven by
 * playwright-core) and a local static site.
 *
 * The suites run in the first jest project only (jest.config.js), not once per backend
 * project: the browser backends are theirs to choose. In CI a browser or backend that cannot start
 * fails; elsewhere its tests are skipped with a warning that names the install step.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../../scripts/chromium.mjs';
import { startServer, type StaticServer } from '../../scripts/static-server.mjs';
import { REFERENCE_DIR } from '../helpers/reference.js';

export const BROWSER_BACKENDS = ['webgl', 'webgpu', 'wasm'] as const;
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];

export const CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
export const INSTALL_HINT = 'install Chromium with `apt-get install -y chromium` (bash scripts/setup.sh does it)';
export const ROOT = process.cwd();
export { REFERENCE_DIR };

/** A built site in a temporary folder, served with the reference files under /reference/. */
export interface Site {
  dir: string;
  server: StaticServer;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Builds with `build(dir)`, serves dir (and /reference/) and launches Chromium. Returns a
 * reason instead when Chromium is missing or does not start.
 */
export async function openSite(build: (dir: string) => Promise<void>): Promise<Site | string> {
  if (!existsSync(CHROMIUM_PATH)) return `${CHROMIUM_PATH} is missing: ${INSTALL_HINT}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'tfjs-em-site-'));
  const cleanup: (() => Promise<void>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const step of cleanup.reverse()) await step();
  };
  try {
    await build(dir);
    const server = await startServer({ routes: { '/': dir, '/reference/': REFERENCE_DIR } });
    cleanup.push(() => server.close());
    let browser: Browser;
    try {
      browser = await launchChromium();
    } catch (error) {
      await close();
      return `Chromium did not start (${String(error).split('\n')[0]}): ${INSTALL_HINT}`;
    }
    cleanup.push(() => browser.close());
    return { dir, server, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A new page that reports its errors and console warnings to the test output. */
export async function newPage(site: Site, url: string, log: string[]): Promise<Page> {
  const page = await site.browser.newPage();
  page.on('pageerror', (error) => log.push(`page error: ${error.message}`));
  page.on('console', (m) => {
    // "No available adapters.": the plain WebGPU request before webgpuFallback asks again.
    if (m.text() === 'No available adapters.') return;
    if (m.type() === 'error' || m.type() === 'warning') log.push(`console ${m.type()}: ${m.text()}`);
  });
  await page.goto(new URL(url, site.server.url).href);
  return page;
}

/** Resolves once the scoring page's queued work is done (body[data-pending] = 0); jest's timeout bounds it. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.pending === '0', undefined, { timeout: 0 });
}

/** The scoring page at `url`, settled; or why not (no site, or not settled within a minute). */
export async function settledPage(site: Site | string, url: string, log: string[]): Promise<Page | string> {
  if (typeof site === 'string') return site;
  const page = await newPage(site, url, log);
  const problem = await withTimeout(settled(page), 60_000, `starting ${url}`).then(() => null, (error: Error) => error.message);
  return problem ?? page;
}

/** Starting a backend can hang (a GPU driver that never answers): give up after `ms`. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Registers `body` when nothing is missing; otherwise a failing test in CI, or a skipped one
 * (with a warning) elsewhere.
 */
export function whenAvailable(what: string, problem: string | null, body: () => void): void {
  if (problem === null) return body();
  if (CI) {
    test(`${what} starts`, () => {
      throw new Error(`${what}: ${problem}`);
    });
    return;
  }
  console.warn(`SKIPPED ${what}: ${problem}`);
  test.skip(`${what} (skipped: ${problem})`, () => undefined);
}

/**
 * One page per browser backend, each after window[api].setBackend(backend) (which
 * resolves to null, or to why the backend cannot run): the page, or that reason.
 */
export async function backendPages(
  site: Site | string,
  api: string,
  log: string[],
  backends: readonly BrowserBackend[] = BROWSER_BACKENDS,
): Promise<Map<string, Page | string>> {
  const pages = new Map<string, Page | string>();
  if (typeof site !== 'object') return pages;
  type Api = Record<string, { setBackend(name: string): Promise<string | null> } | undefined>;
  for (const backend of backends) {
    const page = await newPage(site, '/', log);
    await page.waitForFunction((name) => (window as unknown as Api)[name] !== undefined, api);
    const start = page.evaluate(([name, b]) => (window as unknown as Api)[name]!.setBackend(b), [api, backend] as const);
    const problem = await withTimeout(start, 60_000, `starting ${backend}`).catch((error: Error) => error.message);
    pages.set(backend, problem ?? page);
  }
  return pages;
}
