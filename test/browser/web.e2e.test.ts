/**
 * The scoring page (web/) end to end in headless Chromium: model, UBM and features go in
 * through the page's own file inputs; the scores it shows, and the MAP-adapted model it
 * downloads, must match the library on cpu in Node to 1e-5 relative, on webgl, webgpu and wasm.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildWeb } from '../../scripts/serve-web.mjs';
import { GMMMachine } from '../../src/index.js';
import { expectClose } from '../helpers/expectClose.js';
import { faithful } from '../helpers/reference.js';
import { BROWSER_BACKENDS, REFERENCE_DIR, ROOT, newPage, openSite, whenAvailable, withTimeout, type Site } from './harness.js';

const OUTPUT = path.join(ROOT, 'test-output');
/** The README's picture: written when missing or with TFJS_EM_UPDATE_DOCS=1 (not on every run: it is committed). */
const README_SHOT = { backend: 'webgl', file: path.join(ROOT, 'docs/web-page.png') };
const updateReadmeShot = !existsSync(README_SHOT.file) || process.env.TFJS_EM_UPDATE_DOCS === '1';

/** A float64 C-order .npy file (format 1.0). */
function npy(data: Float64Array, shape: [number, number]): Buffer {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape[0]}, ${shape[1]}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(prefix);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

const file = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/octet-stream', buffer });
const reference = (name: string) => file(name, readFileSync(path.join(REFERENCE_DIR, name)));

async function settled(page: Page): Promise<void> {
  // No playwright timeout: the first WebGL/WebGPU run compiles shaders for seconds; jest's timeout bounds it.
  await page.waitForFunction(() => document.body.dataset.pending === '0', undefined, { timeout: 0 });
}

interface Shown {
  average: number;
  /** The table's columns by cell class: ll, ubm, llr. */
  columns: Record<string, number[]>;
  error: string | null;
}

async function shown(page: Page): Promise<Shown> {
  await settled(page);
  return page.evaluate(() => {
    const error = document.getElementById('error')!;
    const column = (cls: string) => Array.from(document.querySelectorAll(`#scores td.${cls}`), (td) => Number(td.textContent));
    return {
      average: Number(document.getElementById('average')!.textContent),
      columns: { ll: column('ll'), ubm: column('ubm'), llr: column('llr') },
      error: error.hidden ? null : error.textContent,
    };
  });
}

type F64 = Float64Array<ArrayBufferLike>;
const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0) / v.length;

/** The page on `backend`, or why that backend did not start there. */
async function openPage(site: Site, backend: string): Promise<Page | string> {
  const page = await newPage(site, `/?backend=${backend}`, log);
  const started = await withTimeout(settled(page), 60_000, `starting ${backend}`).then(() => null, (error: Error) => error.message);
  if (started !== null) {
    await page.close();
    return started;
  }
  if ((await page.getAttribute('#backend-info', 'data-backend')) === backend) return page;
  const why = (await page.textContent('#error')) || 'it did not start';
  await page.close();
  return why;
}

const log: string[] = [];
const site: Site | string = await openSite(buildWeb);
const pages = new Map<string, Page | string>();
if (typeof site === 'object') for (const b of BROWSER_BACKENDS) pages.set(b, await openPage(site, b));

describe('scoring page in Chromium', () => {
  const x = { data: new Float64Array(), shape: [0, 0] as [number, number] };
  // Computed in Node, on this jest project's backend.
  const expected: { ll: F64; llMap: F64; llr: F64; adapted: GMMMachine | null; ubm: GMMMachine | null } = {
    ll: new Float64Array(), llMap: new Float64Array(), llr: new Float64Array(), adapted: null, ubm: null,
  };

  beforeAll(async () => {
    Object.assign(x, await faithful());
    const ubm = await GMMMachine.fromHDF5(path.join(REFERENCE_DIR, 'gmm_ML.hdf5'));
    const map = await GMMMachine.fromHDF5(path.join(REFERENCE_DIR, 'gmm_MAP.hdf5'));
    expected.ll = await ubm.logLikelihood(x);
    expected.llMap = await map.logLikelihood(x);
    expected.llr = expected.llMap.map((v, i) => v - expected.ll[i]);
    // What the page's button does with its defaults: relevance 4, one step, the model as prior.
    expected.adapted = new GMMMachine(2, { trainer: 'map', ubm, mapRelevanceFactor: 4, maxFittingSteps: 1 });
    await expected.adapted.fit(x);
    expected.ubm = ubm;
    map.dispose();
  });
  afterAll(async () => {
    expected.adapted?.dispose();
    expected.ubm?.dispose();
    if (typeof site === 'object') await site.close();
    if (log.length > 0) console.log(`browser console:\n${log.join('\n')}`);
  });

  for (const backend of BROWSER_BACKENDS) {
    describe(backend, () => {
      const opened = pages.get(backend);
      const problem = typeof site === 'string' ? site : typeof opened === 'string' ? opened : null;
      whenAvailable(`Chromium ${backend} backend`, problem, () => {
        const page = opened as Page;
        afterAll(() => page.close());

        test('starts on the chosen backend and names its device', async () => {
          expect(await page.locator('#error').isHidden()).toBe(true);
          expect(await page.textContent('#backend-info')).toMatch(new RegExp(`^${backend}\\b`));
        });

        test("bob's gmm_ML.hdf5 and a .npy of Old Faithful: the per-sample and average log-likelihoods", async () => {
          await page.setInputFiles('#model', reference('gmm_ML.hdf5'));
          await page.setInputFiles('#features', file('faithful.npy', npy(x.data, x.shape)));
          const got = await shown(page);
          expect(got.error).toBeNull();
          expectClose(got.columns.ll, expected.ll, 1e-5);
          expectClose(got.average, mean(expected.ll), 1e-5);
          expect(await page.locator('#scatter g[aria-description$="-sigma ellipses"] path').count()).toBe(4);
          mkdirSync(OUTPUT, { recursive: true });
          const shot = path.join(OUTPUT, `web-page-${backend}.png`);
          await page.screenshot({ path: shot, fullPage: true });
          if (backend === README_SHOT.backend && updateReadmeShot) {
            mkdirSync(path.dirname(README_SHOT.file), { recursive: true });
            copyFileSync(shot, README_SHOT.file);
          }
        });

        test('MAP-adapt downloads an .h5 that matches the adaptation in Node', async () => {
          const [download] = await Promise.all([page.waitForEvent('download'), page.click('#adapt')]);
          expect(download.suggestedFilename()).toBe('gmm_ML-map.h5');
          const bytes = readFileSync(await download.path());
          const adapted = await GMMMachine.fromHDF5(new Uint8Array(bytes), expected.ubm!);
          expectClose(adapted.means, expected.adapted!.means, 1e-5);
          expectClose(adapted.variances, expected.adapted!.variances, 1e-5);
          expectClose(adapted.weights, expected.adapted!.weights, 1e-5);
          adapted.dispose();
        });

        test('with a UBM, the scores are log-likelihood ratios (model gmm_MAP.hdf5, UBM gmm_ML.hdf5)', async () => {
          await page.setInputFiles('#ubm', reference('gmm_ML.hdf5'));
          await page.setInputFiles('#model', reference('gmm_MAP.hdf5'));
          const got = await shown(page);
          expect(got.error).toBeNull();
          expectClose(got.columns.ll, expected.llMap, 1e-5);
          expectClose(got.columns.ubm, expected.ll, 1e-5);
          // A ratio near 0 is a difference of two float32 log-likelihoods near -4: it is
          // checked to 1e-5 of those, not of itself.
          const atol = 1e-5 * Math.max(...expected.ll.map(Math.abs));
          expectClose(got.columns.llr, expected.llr, 0, atol);
          expectClose(got.average, mean(expected.llr), 0, atol);
          expect(await page.textContent('#average-label')).toMatch(/log-likelihood ratio/);
        });

        test('errors are shown in words: wrong dimension, NaN, a model that is not HDF5', async () => {
          await page.setInputFiles('#features', file('three.csv', Buffer.from('a,b,c\n1,2,3\n4,5,6\n')));
          expect((await shown(page)).error).toMatch(/three\.csv has 3 features per sample, but gmm_MAP\.hdf5 models 2/);
          await page.setInputFiles('#features', file('nan.csv', Buffer.from('1,2\nnan,3\n')));
          expect((await shown(page)).error).toMatch(/nan\.csv: sample 2 holds NaN in feature 1 \(both counted from 1\)/);
          expect(await page.locator('#results').isHidden()).toBe(true);
          await page.setInputFiles('#model', file('model.h5', npy(x.data, x.shape)));
          expect((await shown(page)).error).toMatch(/model\.h5.*HDF5/);
        });
      });
    });
  }
});
