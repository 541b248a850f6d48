/**
 * The scoring page's third round, in headless Chromium on wasm: cancel and progress for MAP
 * adaptation, reading and scoring; a DET curve clipped at its frame; working inputs that survive
 * a failed or cancelled replacement; the backend in the address; focus kept by the controls;
 * MAP settings and labels files in the user's words; a phone-sized viewport; accessible names,
 * landmarks and text alternatives; the example data, genuine/impostor histograms, plot and
 * summary exports, and the scatter plot's feature chooser and legend.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Download, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/serve-web.mjs';
import { GMMMachine } from '../../src/index.js';
import { detAxisPosition } from '../../src/math/det.js';
import { expectClose } from '../helpers/expectClose.js';
import { faithful } from '../helpers/reference.js';
import { REFERENCE_DIR, openSite, settled, settledPage, whenAvailable, type Site } from './harness.js';

const BACKEND = 'wasm';

const file = (name: string, buffer: Buffer | Uint8Array) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(buffer) });
const reference = (name: string) => file(name, readFileSync(path.join(REFERENCE_DIR, name)));
const csv = (data: ArrayLike<number>, d: number) =>
  Buffer.from(Array.from({ length: data.length / d }, (_, i) => Array.from({ length: d }, (_, j) => data[i * d + j]).join(',')).join('\n') + '\n');

/** A .npy of float32 rows. */
function npy(data: Float32Array, [n, d]: [number, number]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${d}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(head);
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}


const errorText = (page: Page) => page.evaluate(() => (document.getElementById('error')!.hidden ? null : document.getElementById('error')!.textContent));
const slotText = (page: Page, slot: string) => page.textContent(`.file[data-for="${slot}"]`);

/** Records the busy line's texts while the progress bar shows. */
async function watchProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { busyTexts: string[] };
    w.busyTexts = [];
    new MutationObserver(() => {
      const busy = document.getElementById('busy')!;
      if (!busy.hidden) w.busyTexts.push(busy.textContent!);
    }).observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
  });
}
const busyTexts = (page: Page) => page.evaluate(() => (window as unknown as { busyTexts: string[] }).busyTexts);

const log: string[] = [];
const site: Site | string = await openSite(buildWeb);
const opened = await settledPage(site, `/?backend=${BACKEND}`, log);

whenAvailable(`the scoring page (third round) on ${BACKEND}`, typeof opened === 'string' ? opened : null, () => {
  const page = opened as Page;
  const x = { data: new Float64Array() as Float64Array<ArrayBufferLike>, shape: [0, 0] as [number, number] };
  /** A model of 256 Gaussians over 60 features and 120000 rows of them: a second of scoring on wasm, more for an EM step. */
  const heavy = { model: file('heavy.h5', Buffer.alloc(0)), features: file('heavy.npy', Buffer.alloc(0)) };
  const downloads: Download[] = [];

  beforeAll(async () => {
    Object.assign(x, await faithful());
    const [n, d, k] = [120000, 60, 256];
    const m = new GMMMachine(k);
    m.means = Float64Array.from({ length: k * d }, (_, i) => Math.sin(i * 0.7) * 3);
    m.variances = new Float64Array(k * d).fill(1.5);
    heavy.model = file('heavy.h5', await m.toBytes());
    m.dispose();
    heavy.features = file('heavy.npy', npy(Float32Array.from({ length: n * d }, (_, i) => Math.sin(i * 0.37) * 3), [n, d]));
    page.on('download', (download) => downloads.push(download));
  });
  afterAll(async () => {
    await page.close();
    if (typeof site === 'object') await site.close();
    if (log.length > 0) console.log(`browser console:\n${log.join('\n')}`);
  });

  describe('cancel and progress', () => {
    beforeAll(async () => {
      await page.setInputFiles('#model', heavy.model);
      await settled(page);
      await watchProgress(page);
      await page.setInputFiles('#features', heavy.features);
      await settled(page);
    });

    test('reading and scoring show their progress', async () => {
      const texts = await busyTexts(page);
      expect(texts.some((t) => /^reading [\d.]+ of 28\.8 MB…$/.test(t))).toBe(true);
      expect(texts).toContain('scoring 120000 of 120000 samples…');
      expect(await page.textContent('#count')).toBe('120000');
    });

    test('a cancelled score leaves no results, and "score again" scores the same inputs', async () => {
      // Cancel as soon as the new scoring reports its first chunk (after the busy line's reset).
      await page.evaluate(() => {
        const busy = document.getElementById('busy')!;
        let started = false;
        const observer = new MutationObserver(() => {
          started ||= busy.textContent === 'working…';
          if (!started || busy.hidden || !/^scoring \d+ of/.test(busy.textContent!)) return;
          observer.disconnect();
          document.getElementById('cancel')!.click();
        });
        observer.observe(busy, { childList: true, characterData: true, subtree: true, attributes: true });
      });
      await page.selectOption('#backend', 'wasm'); // the same backend: the scores are redone
      await settled(page);
      expect(await errorText(page)).toBeNull();
      expect(await page.isHidden('#results')).toBe(true);
      expect(await page.textContent('#busy-result')).toBe('Cancelled.');
      expect(await page.isEnabled('#score')).toBe(true);
      await page.click('#score');
      await settled(page);
      expect(await page.isVisible('#results')).toBe(true);
      expect(await page.textContent('#count')).toBe('120000');
    });

    test('MAP adaptation shows its steps and stops at cancel: nothing is downloaded', async () => {
      const before = downloads.length;
      await page.fill('#steps', '200');
      await page.click('#adapt');
      await page.waitForFunction(() => /^adapting: [1-9]\d* of 200 EM steps done…$/.test(document.getElementById('busy')!.textContent!), undefined, { timeout: 0 });
      await page.click('#cancel');
      await settled(page);
      expect(await errorText(page)).toBeNull();
      expect(await page.textContent('#busy-result')).toBe('Cancelled.');
      expect(await page.textContent('#adapt-status')).toBe('');
      await page.waitForTimeout(500); // a download would have started by now
      expect(downloads.length).toBe(before);
      await page.fill('#steps', '1');
    });

    test('a cancelled or refused replacement keeps the working file, scored again', async () => {
      await page.setInputFiles('#model', file('broken.h5', Buffer.from('not an HDF5 file')));
      await settled(page);
      expect(await errorText(page)).toMatch(/broken\.h5/);
      expect(await slotText(page, 'model')).toBe('heavy.h5: 256 Gaussians × 60 features · broken.h5: not loaded');
      expect(await page.isVisible('#results')).toBe(true);
      expect(await page.textContent('#count')).toBe('120000');
      await page.click('#clear-features');
      await settled(page);
      await page.click('#clear-model');
      await settled(page);
    });
  });

  describe('the DET curve', () => {
    test('is clipped at its frame: no point of the data is moved onto an edge', async () => {
      // Overlapping scores: the curve runs out of the frame on every side.
      const n = x.shape[0];
      await page.setInputFiles('#model', reference('gmm_ML.hdf5'));
      await page.setInputFiles('#features', file('faithful.csv', csv(x.data, 2)));
      const labels = Array.from({ length: n }, (_, i) => String((i * 7) % 3 === 0 ? 1 : 0)).join('\n');
      await page.setInputFiles('#labels', file('labels.txt', Buffer.from(`${labels}\n`)));
      await settled(page);
      const got = await page.evaluate(() => {
        const line = document.querySelector('#det g[aria-description="DET curve"]')!;
        const path = line.querySelector('path')!;
        const frame = document.querySelector<SVGRectElement>('#det svg rect')!.getBBox();
        const points = Array.from(path.getAttribute('d')!.matchAll(/(-?[\d.]+),(-?[\d.]+)/g), (m) => [Number(m[1]), Number(m[2])]);
        return { clip: line.getAttribute('clip-path') ?? path.getAttribute('clip-path'), frame: [frame.x, frame.y, frame.width, frame.height], points };
      });
      expect(got.clip).toMatch(/^url\(#/);
      const [fx, fy, fw, fh] = got.frame;
      const onEdge = got.points.filter(([px, py]) => Math.abs(px - fx) < 0.01 || Math.abs(px - fx - fw) < 0.01 || Math.abs(py - fy) < 0.01 || Math.abs(py - fy - fh) < 0.01);
      expect(onEdge.length).toBeLessThanOrEqual(2);
      // Points beyond 60 % false alarms lie right of the frame (the data), none drawn down its right edge.
      expect(got.points.some(([px]) => px > fx + fw + 1)).toBe(true);
      expect(detAxisPosition(0.6)).toBeGreaterThan(0);
    });
  });

  describe('settings, labels and features in the user words', () => {
    test('a labels file with a header, or id,label rows, is read', async () => {
      const n = x.shape[0];
      const rows = Array.from({ length: n }, (_, i) => `${i},${i % 2 === 0 ? 'genuine' : 'impostor'}`);
      await page.setInputFiles('#labels', file('ids.csv', Buffer.from(`id,label\n${rows.join('\n')}\n`)));
      await settled(page);
      expect(await errorText(page)).toBeNull();
      expect(await slotText(page, 'labels')).toBe(`ids.csv: ${n} labels (136 genuine, 136 impostor)`);
      expect(await page.isVisible('#det-figure')).toBe(true);
    });

    test('features holding NaN are refused when read, naming the sample and feature from 1; the working ones stay', async () => {
      await page.setInputFiles('#features', file('nan.csv', Buffer.from('a,b\n1,2\n3,nan\n')));
      await settled(page);
      expect(await errorText(page)).toBe('nan.csv: sample 2 holds NaN in feature 2 (both counted from 1); only finite values can be scored');
      const line = await slotText(page, 'features');
      expect(line).toBe('faithful.csv: 272 samples × 2 features · nan.csv: not loaded');
      expect(await page.locator('.file[data-for="features"].loaded').count()).toBe(0);
    });
  });

  describe('backend and focus', () => {
    test('the chosen backend goes into the address; ArrowDown on the select re-scores and keeps the focus there', async () => {
      await page.focus('#backend');
      await page.keyboard.press('ArrowDown'); // wasm -> cpu
      await settled(page);
      expect(new URL(page.url()).searchParams.get('backend')).toBe('cpu');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('backend');
      expect(await page.isEnabled('#backend')).toBe(true);
      await page.keyboard.press('ArrowUp');
      await settled(page);
      expect(new URL(page.url()).searchParams.get('backend')).toBe('wasm');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('backend');
    });

    test('focus stays on MAP-adapt after it ends, and moves from a clear button to its file input', async () => {
      await page.click('#adapt');
      await settled(page);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('adapt');
      await page.click('#clear-labels');
      await settled(page);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('labels');
    });
  });

  describe('accessibility', () => {
    test('each file input is named by its own label, clear buttons by their file; a main landmark; plots are images with a text alternative', async () => {
      for (const [slot, title] of [['model', 'Model'], ['features', 'Features'], ['ubm', 'UBM'], ['labels', 'Labels']]) {
        const input = page.getByLabel(new RegExp(`^${title} `));
        expect(await input.getAttribute('id')).toBe(slot);
        expect(await page.locator(`label[for="${slot}"] button`).count()).toBe(0);
        expect(await page.getByRole('button', { name: `clear the ${slot === 'ubm' ? 'UBM' : slot} file` }).count()).toBe(1);
        expect(await page.getAttribute(`.file[data-for="${slot}"]`, 'aria-live')).toBe('polite');
      }
      expect(await page.locator('main').count()).toBe(1);
      expect(await page.getByRole('img', { name: /^Histogram of 272 per-sample scores/ }).count()).toBe(1);
      expect(await page.getByRole('img', { name: /^Scatter plot of 272 samples, feature 0 across and feature 1 up/ }).count()).toBe(1);
    });
  });

  describe('example data', () => {
    test('one button loads a speaker model, its UBM, features and labels, says how to read them, and scores them', async () => {
      await page.click('#example');
      await settled(page);
      expect(await errorText(page)).toBeNull();
      expect(await slotText(page, 'model')).toBe('example-speaker.h5: 4 Gaussians × 2 features');
      expect(await slotText(page, 'ubm')).toBe('example-ubm.h5: 4 Gaussians × 2 features');
      expect(await slotText(page, 'features')).toBe('example-features.csv: 400 samples × 2 features');
      expect(await slotText(page, 'labels')).toBe('example-labels.csv: 400 labels (200 genuine, 200 impostor)');
      expect(await page.isVisible('#example-reading')).toBe(true);
      expect(await page.textContent('#average-label')).toMatch(/log-likelihood ratio/);
      const eer = Number(await page.getAttribute('#eer', 'data-value'));
      expect(eer).toBeGreaterThan(0);
      expect(eer).toBeLessThan(0.5);
    });

    test('with labels the histogram overlays genuine and impostor bars on the same bins, with a legend', async () => {
      const counts = await page.evaluate(() => {
        const sum = (d: string) =>
          Array.from(document.querySelectorAll(`#histogram g[aria-description="${d}"] rect`), (r) => Number(r.querySelector('title')!.textContent!.split(': ')[1])).reduce((a, b) => a + b, 0);
        return { genuine: sum('genuine bars'), impostor: sum('impostor bars') };
      });
      expect(counts).toEqual({ genuine: 200, impostor: 200 });
      expect(await page.textContent('#histogram-caption')).toMatch(/■ genuine■ impostor.*genuine \(green\) and impostor \(orange\) overlaid/);
    });

    test('each plot exports as SVG and PNG, and the summary as JSON with the EER, backend and timing', async () => {
      for (const plot of ['histogram', 'scatter', 'det']) {
        const [svg] = await Promise.all([page.waitForEvent('download'), page.click(`.export[data-plot="${plot}"] button[data-format="svg"]`)]);
        expect(svg.suggestedFilename()).toBe(`example-features-${plot}.svg`);
        expect(readFileSync((await svg.path())!, 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        const [png] = await Promise.all([page.waitForEvent('download'), page.click(`.export[data-plot="${plot}"] button[data-format="png"]`)]);
        expect(png.suggestedFilename()).toBe(`example-features-${plot}.png`);
        expect(readFileSync((await png.path())!).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      }
      const [json] = await Promise.all([page.waitForEvent('download'), page.click('#download-summary')]);
      const summary = JSON.parse(readFileSync((await json.path())!, 'utf8'));
      expect(summary).toMatchObject({
        model: 'example-speaker.h5', ubm: 'example-ubm.h5', count: 400, backend: BACKEND,
        features: { name: 'example-features.csv', samples: 400, features: 2 },
        labels: { name: 'example-labels.csv', genuine: 200, impostor: 200 },
      });
      expect(summary.eer).toBe(Number(await page.getAttribute('#eer', 'data-value')));
      expectClose([summary.average], [Number(await page.textContent('#average'))], 1e-6);
      expect(summary.scoringMs).toBeGreaterThan(0);
    });
  });

  describe('the scatter plot', () => {
    test('its two features are chosen from the data; a legend names what is drawn', async () => {
      const rows = Array.from({ length: 50 }, (_, i) => [i, 100 + i, -i]).flat();
      const m = new GMMMachine(2);
      m.means = [0, 100, 0, 40, 140, -40];
      m.variances = [1, 1, 1, 2, 2, 2];
      await page.setInputFiles('#model', file('three.h5', await m.toBytes()));
      m.dispose();
      await page.click('#clear-ubm');
      await page.click('#clear-labels');
      await page.setInputFiles('#features', file('three.csv', csv(rows, 3)));
      await settled(page);
      expect(await page.textContent('#scatter-legend')).toBe('● samples━ model Gaussians: 1σ solid, 2σ dotted, + mean');
      await page.selectOption('#scatter-x', '2');
      await settled(page);
      await page.selectOption('#scatter-y', '0');
      await settled(page);
      const drawn = await page.evaluate(() => {
        const texts = Array.from(document.querySelectorAll('#scatter svg text'), (t) => t.textContent);
        const dots = Array.from(document.querySelectorAll('#scatter g[aria-description="samples"] circle'), (c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]);
        return { texts, dots };
      });
      expect(drawn.texts.some((t) => /feature 2/.test(t!)) && drawn.texts.some((t) => /feature 0/.test(t!))).toBe(true);
      expect(drawn.dots.length).toBe(50);
      // x = -i and y = i: the points run from bottom right to top left.
      const [first, last] = [drawn.dots[0], drawn.dots[49]];
      expect(last[0]).toBeLessThan(first[0]);
      expect(last[1]).toBeLessThan(first[1]);
      expect(await page.textContent('#scatter-caption')).toMatch(/^Samples \(features 2 and 0 of 3\)/);
    });
  });

  describe('on a phone (390 × 844)', () => {
    test('no sideways scrolling, DET tick labels apart, plot text at least 11 px, clear buttons at least 44 × 28', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        await page.click('#example');
        await settled(page);
        const got = await page.evaluate(() => {
          const boxes = (selector: string) => Array.from(document.querySelectorAll(selector), (e) => e.getBoundingClientRect());
          const ticks = Array.from(document.querySelectorAll('#det svg g[aria-label="x-axis tick label"] text'), (t) => t.getBoundingClientRect()).filter((b) => b.width > 0);
          const overlaps = ticks.filter((b, i) => i > 0 && b.left < ticks[i - 1].right);
          const smallest = Math.min(...boxes('.plots svg text').filter((b) => b.height > 0).map((b) => b.height));
          const clears = boxes('.drop .clear').map((b) => [b.width, b.height]);
          return { scroll: document.documentElement.scrollWidth - document.documentElement.clientWidth, ticks: ticks.length, overlaps: overlaps.length, smallest, clears };
        });
        expect(got.scroll).toBeLessThanOrEqual(0);
        expect(got.ticks).toBeGreaterThan(5);
        expect(got.overlaps).toBe(0);
        expect(got.smallest).toBeGreaterThanOrEqual(11);
        for (const [w, h] of got.clears) {
          expect(w).toBeGreaterThanOrEqual(44);
          expect(h).toBeGreaterThanOrEqual(28);
        }
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
    });
  });
});
