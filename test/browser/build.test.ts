/** scripts/build-browser.mjs keeps Node out of the browser bundle; scripts/static-server.mjs serves what the pages need. */
import { get } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXTERNALS, buildBrowser, bundleLibrary } from '../../scripts/build-browser.mjs';
import { startServer } from '../../scripts/static-server.mjs';

function rawStatus(base: string, rawPath: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    get({ hostname, port, path: rawPath }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject);
  });
}

describe('browser build', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tfjs-em-build-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const entry = (name: string, source: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, source);
    return file;
  };

  test('src/index.ts bundles with only the documented externals, and the vendor modules they map to', async () => {
    const out = path.join(dir, 'browser');
    const { library, bytes } = await buildBrowser({ outdir: out });
    expect(bytes).toBeGreaterThan(10_000);
    const imports = [...readFileSync(library, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)"([^"]+)"/g)].map((m) => m[1]);
    for (const name of imports) expect(EXTERNALS).toContain(name);
    const map = JSON.parse(readFileSync(path.join(out, 'importmap.json'), 'utf8')) as { imports: Record<string, string> };
    for (const target of Object.values(map.imports)) expect(existsSync(path.join(out, target))).toBe(true);
    expect(existsSync(path.join(out, 'vendor/tfjs-backend-wasm-simd.wasm'))).toBe(true);
  });

  test.each([
    ['a node: import', `import { readFileSync } from 'node:fs'; export const f = readFileSync;`, /node:fs imported by/],
    ['a bare built-in', `import os from 'os'; export const f = os.cpus;`, /os imported by/],
    ['a static import of a Node-only package', `import { create } from 'webgpu'; export const f = create;`, /webgpu \(Node-only\) imported statically/],
  ])('fails on %s', async (_what, source, message) => {
    await expect(bundleLibrary(entry('bad.ts', source), path.join(dir, 'bad.js'))).rejects.toThrow(message);
  });

  test('a dynamic import of a Node-only package becomes a stub that rejects', async () => {
    const out = path.join(dir, 'lazy.js');
    await bundleLibrary(entry('lazy.ts', `export const gpu = () => import('webgpu');`), out);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/webgpu is Node-only and cannot load in a browser/);
    expect(text).not.toMatch(/import\(\s*["']webgpu["']\s*\)/);
  });
});

describe('static server', () => {
  test('sends the cross-origin isolation headers and serves nothing outside its folders', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tfjs-em-serve-'));
    writeFileSync(path.join(dir, 'index.html'), '<p>hi</p>');
    writeFileSync(path.join(dir, 'x.wasm'), 'wasm');
    const server = await startServer({ routes: { '/': dir } });
    try {
      const page = await fetch(server.url);
      expect(await page.text()).toBe('<p>hi</p>');
      expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      expect((await fetch(new URL('x.wasm', server.url))).headers.get('content-type')).toBe('application/wasm');
      // Raw paths: fetch would normalise the dots away before sending.
      for (const raw of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc/passwd']) {
        expect(await rawStatus(server.url, raw)).toBe(404);
      }
      expect((await fetch(new URL('/missing.js', server.url))).status).toBe(404);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
