/**
 * The scoring page's behaviour in headless Chromium on one backend (wasm): loading order,
 * clearing, settings checked by the library, plots' labels, busy state, downloads, a large CSV,
 * the backend choice and the plots (Observable Plot: histogram, ellipses, DET curve and EER with
 * labels). Values shown are checked against the library on cpu in Node to 1e-5 relative
 * (float32 in the page).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildWeb } from '../../scripts/serve-web.mjs';
import { GMMMachine } from '../../src/index.js';
import { detAxisPosition, detCurve, equalErrorRate } from '../../src/math/det.js';
import { buildOnce, tfjsEm } from '../cli/cli.js';
import { expectClose } from '../helpers/expectClose.js';
import { faithful } from '../helpers/reference.js';
import { REFERENCE_DIR, newPage, openSite, settled, settledPage, whenAvailable, type Site } from './harness.js';

const BACKEND = 'wasm';

const file = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/octet-stream', buffer });
const reference = (name: string) => file(name, readFileSync(path.join(REFERENCE_DIR, name)));
const csv = (data: Float64Array, d: number) =>
  Buffer.from(Array.from({ length: data.length / d }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)).join(',')).join('\n') + '\n');


async function shown(page: Page) {
  await settled(page);
  return page.evaluate(() => {
    const error = document.getElementById('error')!;
    const column = (cls: string) => Array.from(document.querySelectorAll(`#scores td.${cls}`), (td) => Number(td.textContent));
    const slot = (name: string) => document.querySelector(`.file[data-for="${name}"]`)!.textContent;
    return {
      average: Number(document.getElementById('average')!.textContent),
      columns: { ll: column('ll'), ubm: column('ubm'), llr: column('llr') },
      error: error.hidden ? null : error.textContent,
      resultsHidden: document.getElementById('results')!.hidden,
      slots: { model: slot('model'), ubm: slot('ubm'), features: slot('features') },
    };
  });
}

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0) / v.length;
const log: string[] = [];
const site: Site | string = await openSite(buildWeb);
const opened = await settledPage(site, `/?backend=${BACKEND}`, log);

whenAvailable(`the scoring page on ${BACKEND}`, typeof opened === 'string' ? opened : null, () => {
  const page = opened as Page;
  const x = { data: new Float64Array() as Float64Array<ArrayBufferLike>, shape: [0, 0] as [number, number] };
  const expected = { ll: new Float64Array() as Float64Array<ArrayBufferLike>, llMap: new Float64Array() as Float64Array<ArrayBufferLike> };
  /** A MAP-adapted model as tfjs-em writes it (trainer 'map': it needs its UBM to load). */
  let mapFile = file('adapted.h5', Buffer.alloc(0));

  beforeAll(async () => {
    Object.assign(x, await faithful());
    const ubm = await GMMMachine.fromHDF5(path.join(REFERENCE_DIR, 'gmm_ML.hdf5'));
    const map = new GMMMachine(2, { trainer: 'map', ubm, mapRelevanceFactor: 4, maxFittingSteps: 1 });
    await map.fit(x);
    mapFile = file('adapted.h5', Buffer.from(await map.toBytes()));
    expected.ll = await ubm.logLikelihood(x);
    expected.llMap = await map.logLikelihood(x);
    ubm.dispose();
    map.dispose();
  });
  afterAll(async () => {
    await page.close();
    if (typeof site === 'object') await site.close();
    if (log.length > 0) console.log(`browser console:\n${log.join('\n')}`);
  });

  test('a MAP-adapted model loaded before its UBM waits for it, then scores (LLR to 1e-5)', async () => {
    await page.setInputFiles('#model', mapFile);
    let got = await shown(page);
    expect(got.error).toBeNull();
    expect(got.slots.model).toBe('adapted.h5: MAP-adapted, waits for its UBM');
    expect(await page.textContent('#hint')).toMatch(/adapted\.h5 is a MAP-adapted model: load its UBM/);
    await page.setInputFiles('#ubm', reference('gmm_ML.hdf5'));
    await settled(page);
    await page.setInputFiles('#features', file('faithful.csv', csv(x.data, 2)));
    got = await shown(page);
    expect(got.error).toBeNull();
    expect(got.slots).toEqual({
      model: 'adapted.h5: 2 Gaussians × 2 features',
      ubm: 'gmm_ML.hdf5: 2 Gaussians × 2 features',
      features: 'faithful.csv: 272 samples × 2 features',
    });
    expectClose(got.columns.ll, expected.llMap, 1e-5);
    expectClose(got.columns.ubm, expected.ll, 1e-5);
  });

  test('each file has a clear button: without the UBM the model waits again; an ML model then scores alone', async () => {
    await page.click('#clear-ubm');
    let got = await shown(page);
    expect(got.slots.ubm).toBe('drop a file here or choose one');
    expect(got.slots.model).toBe('adapted.h5: MAP-adapted, waits for its UBM');
    expect(got.resultsHidden).toBe(true);
    expect(await page.isDisabled('#clear-ubm')).toBe(true);

    await page.setInputFiles('#model', reference('gmm_ML.hdf5'));
    got = await shown(page);
    expect(got.columns.ubm).toEqual([]);
    expectClose(got.columns.ll, expected.ll, 1e-5);
    expectClose(got.average, mean(expected.ll), 1e-5);

    await page.click('#clear-features');
    got = await shown(page);
    expect(got.resultsHidden).toBe(true);
    expect(got.slots.features).toBe('drop a file here or choose one');
    expect(await page.isHidden('#hint')).toBe(false);
    await page.setInputFiles('#features', file('faithful.csv', csv(x.data, 2)));
    await settled(page);
  });

  test('relevance 0 and 0 or 1.5 steps are refused in words, no console error; a valid value adapts and no red box stays', async () => {
    const before = log.length;
    await page.fill('#relevance', '0');
    expect(await page.textContent('#adapt-status')).toBe('The relevance factor must be a number greater than 0 (4 is usual).');
    expect(await page.isDisabled('#adapt')).toBe(true);
    await page.fill('#relevance', '4');
    for (const steps of ['0', '1.5']) {
      await page.fill('#steps', steps);
      expect(await page.textContent('#adapt-status')).toBe('EM steps must be a whole number, at least 1.');
      expect(await page.isDisabled('#adapt')).toBe(true);
    }
    await page.fill('#steps', '1');
    await page.fill('#relevance', '4');
    expect(await page.textContent('#adapt-status')).toBe('');

    // A refused file puts up the red box; the next piece of work takes it down.
    await page.setInputFiles('#features', file('three.csv', Buffer.from('1,2,3\n4,5,6\n')));
    expect((await shown(page)).error).toMatch(/three\.csv has 3 features per sample, but gmm_ML\.hdf5 models 2/);
    await page.setInputFiles('#features', file('faithful.csv', csv(x.data, 2)));
    expect((await shown(page)).error).toBeNull();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#adapt')]);
    expect(download.suggestedFilename()).toBe('gmm_ML-map.h5');
    expect((await shown(page)).error).toBeNull();
    expect(log.slice(before)).toEqual([]);
  });

  test('negative axis labels keep their minus sign: every plot label lies inside its plot', async () => {
    const shifted = x.data.map((v, i) => (i % 2 === 0 ? v - 10 : v - 150));
    await page.setInputFiles('#features', file('shifted.csv', csv(shifted, 2)));
    await settled(page);
    const labels = await page.evaluate(() =>
      Array.from(document.querySelectorAll<SVGTextElement>('#scatter svg text, #histogram svg text'), (t) => {
        const svg = t.ownerSVGElement!.getBoundingClientRect();
        const box = t.getBoundingClientRect();
        return { text: t.textContent!, inside: box.left >= svg.left - 0.5 && box.right <= svg.right + 0.5 };
      }),
    );
    expect(labels.filter((l) => /^[-−]\d/.test(l.text)).length).toBeGreaterThan(1);
    expect(labels.filter((l) => !l.inside)).toEqual([]);
  });

  test('a new run clears the old results at once and disables the controls until it ends', async () => {
    await page.setInputFiles('#features', file('faithful.csv', csv(x.data, 2)));
    await settled(page);
    const old = await page.textContent('#average');
    await page.evaluate(() => {
      const seen: { average: string; results: boolean; disabled: string[] }[] = [];
      (window as unknown as { seen: typeof seen }).seen = seen;
      const controls = ['model', 'features', 'ubm', 'backend', 'relevance', 'steps', 'adapt', 'download-scores', 'clear-model', 'clear-features'];
      const record = () =>
        seen.push({
          average: document.getElementById('average')!.textContent!,
          results: !document.getElementById('results')!.hidden,
          disabled: controls.filter((id) => (document.getElementById(id) as HTMLInputElement).disabled),
        });
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    const shifted = x.data.map((v) => v + 1);
    await page.setInputFiles('#features', file('plus-one.csv', csv(shifted, 2)));
    await settled(page);
    const seen = await page.evaluate(() => (window as unknown as { seen: { average: string; results: boolean; disabled: string[] }[] }).seen);
    // The first change the page makes hides the old results; none shows them again until the new average is there.
    expect(seen[0].results).toBe(false);
    expect(seen.filter((s) => s.results).every((s) => s.average !== old && s.average !== '')).toBe(true);
    // While the work ran every control was disabled; at the end all are enabled again.
    expect(seen.some((s) => s.disabled.length === 10)).toBe(true);
    expect(seen.at(-1)!.disabled).toEqual([]);
    expect(seen.at(-1)!.results).toBe(true);
  });

  /** The page's #download-scores CSV as [index, score] rows. */
  async function downloadedScores(): Promise<{ name: string; header: string; rows: number[][] }> {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-scores')]);
    const [header, ...lines] = readFileSync(await download.path(), 'utf8').trimEnd().split('\n');
    return { name: download.suggestedFilename(), header, rows: lines.map((l) => l.split(',').map(Number)) };
  }

  /** `tfjs-em score --per-sample --format csv` of one data file: [frame, score] rows. */
  async function cliScores(args: string[]): Promise<number[][]> {
    const run = await tfjsEm(['score', ...args, '--per-sample', '--format', 'csv']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return run.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(',').slice(1).map(Number));
  }

  test('#download-scores gives (row index, score) equal to `tfjs-em score --per-sample` to 1e-5, with and without a UBM', async () => {
    await buildOnce();
    const dir = mkdtempSync(path.join(tmpdir(), 'tfjs-em-web-'));
    try {
      const data = x.data.map((v) => v + 1);
      const features = path.join(dir, 'plus-one.csv');
      writeFileSync(features, csv(data, 2));
      const ubm = path.join(REFERENCE_DIR, 'gmm_ML.hdf5');
      const adapted = path.join(dir, 'adapted.h5');
      writeFileSync(adapted, mapFile.buffer);

      // The page still shows gmm_ML.hdf5 on plus-one.csv (the test before).
      let got = await downloadedScores();
      expect(got.name).toBe('plus-one-scores.csv');
      expect(got.header).toBe('index,score');
      let cli = await cliScores(['--model', ubm, '--data', features]);
      expect(got.rows.map((r) => r[0])).toEqual(cli.map((r) => r[0]));
      expectClose(got.rows.map((r) => r[1]), cli.map((r) => r[1]), 1e-5);

      await page.setInputFiles('#ubm', reference('gmm_ML.hdf5'));
      await settled(page);
      await page.setInputFiles('#model', mapFile);
      expect((await shown(page)).error).toBeNull();
      got = await downloadedScores();
      cli = await cliScores(['--model', adapted, '--ubm', ubm, '--data', features]);
      expect(got.rows.map((r) => r[0])).toEqual(cli.map((r) => r[0]));
      // A ratio near 0 is a difference of two float32 log-likelihoods near -4: checked to 1e-5 of those.
      const atol = 1e-5 * Math.max(...expected.ll.map(Math.abs));
      expectClose(got.rows.map((r) => r[1]), cli.map((r) => r[1]), 1e-5, atol);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Rows of faithful, jittered, until the CSV text is `bytes` long. */
  function largeCsv(bytes: number): { text: string; data: Float64Array } {
    const n = Math.ceil(bytes / 19); // "d.dddddd,dd.dddddd\n": 19 characters a row
    const data = new Float64Array(2 * n);
    const lines = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const r = i % x.shape[0];
      const jitter = ((i * 7919) % 1000) / 1000;
      data[2 * i] = Number((x.data[2 * r] + jitter).toFixed(6));
      data[2 * i + 1] = Number((x.data[2 * r + 1] + jitter).toFixed(4));
      lines[i] = `${data[2 * i].toFixed(6)},${data[2 * i + 1].toFixed(4)}`;
    }
    return { text: `${lines.join('\n')}\n`, data };
  }

  /** The average log-likelihood of 2-D samples under a diagonal GMM, in float64. */
  function averageLogLikelihood(gmm: GMMMachine, data: Float64Array): number {
    const d = 2;
    let sum = 0;
    for (let i = 0; i < data.length / d; i++) {
      const terms = Array.from({ length: gmm.nGaussians }, (_, k) => {
        let t = Math.log(gmm.weights[k]);
        for (let j = 0; j < d; j++) {
          const v = gmm.variances[k * d + j];
          t -= 0.5 * (Math.log(2 * Math.PI * v) + (data[i * d + j] - gmm.means[k * d + j]) ** 2 / v);
        }
        return t;
      });
      const top = Math.max(...terms);
      sum += top + Math.log(terms.reduce((s, t) => s + Math.exp(t - top), 0));
    }
    return sum / (data.length / d);
  }

  /** Records the page's long tasks and what its progress bar and busy line showed. */
  async function watch(): Promise<void> {
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; progress: { text: string; value: number; max: number }[] };
      w.longTasks = [];
      w.progress = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask' });
      const bar = document.getElementById('progress') as HTMLProgressElement;
      new MutationObserver(() => {
        if (!bar.hidden) w.progress.push({ text: document.getElementById('busy')!.textContent!, value: bar.value, max: bar.max });
      }).observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
    });
  }

  /** An SVG drawn by Observable Plot, with its scales. */
  type PlotSvg = SVGSVGElement & { scale(name: string): { apply(value: number): number; invert(value: number): number } };
  const labelsSlot = () => page.textContent('.file[data-for="labels"]');

  /** The texts of a plot, and those that stick out of its SVG. */
  async function plotTexts(id: string): Promise<{ texts: string[]; outside: string[] }> {
    return page.evaluate((id) => {
      const svg = document.querySelector(`#${id} svg`)!;
      const frame = svg.getBoundingClientRect();
      const texts = Array.from(svg.querySelectorAll('text'));
      const outside = texts.filter((t) => {
        const box = t.getBoundingClientRect();
        return box.left < frame.left - 0.5 || box.right > frame.right + 0.5 || box.top < frame.top - 0.5 || box.bottom > frame.bottom + 0.5;
      });
      return { texts: texts.map((t) => t.textContent!), outside: outside.map((t) => t.textContent!) };
    }, id);
  }

  describe('a 60 MB CSV', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tfjs-em-web-'));
    const big = path.join(dir, 'large.csv');
    let data: Float64Array<ArrayBufferLike> = new Float64Array();
    beforeAll(() => {
      const made = largeCsv(60e6);
      writeFileSync(big, made.text);
      data = made.data;
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test('loads and scores with no main-thread task over 250 ms, showing its progress; the average matches float64 to 1e-5', async () => {
      await page.click('#clear-ubm');
      await page.setInputFiles('#model', reference('gmm_ML.hdf5'));
      await settled(page);
      await watch();
      await page.setInputFiles('#features', big);
      const got = await shown(page);
      expect(got.error).toBeNull();
      const seen = await page.evaluate(() => {
        const w = window as unknown as { longTasks: number[]; progress: { text: string; value: number; max: number }[] };
        return { longTasks: w.longTasks, progress: w.progress };
      });
      const n = data.length / 2;
      expect(await page.textContent('#count')).toBe(String(n));
      const ubm = await GMMMachine.fromHDF5(path.join(REFERENCE_DIR, 'gmm_ML.hdf5'));
      expectClose(got.average, averageLogLikelihood(ubm, data), 1e-5);
      ubm.dispose();
      // The bar showed the scoring as it went, up to every sample.
      const scoring = seen.progress.filter((p) => p.text.startsWith('scoring'));
      expect(scoring.length).toBeGreaterThan(1);
      expect(scoring.at(-1)).toEqual({ text: `scoring ${n} of ${n} samples…`, value: n, max: n });
      console.log(`60 MB CSV, ${n} samples: longest main-thread task ${Math.max(0, ...seen.longTasks).toFixed(0)} ms (${seen.longTasks.length} over 50 ms)`);
      expect(seen.longTasks.filter((ms) => ms > 250)).toEqual([]);
      // The scatter shows a sample of the points, and says so.
      const [, every, drawn] = (await page.textContent('#scatter-caption'))!.match(new RegExp(`one sample in (\\d+) is shown \\((\\d+) of ${n}\\)`))!.map(Number);
      expect(drawn).toBe(Math.ceil(n / every));
      expect(drawn).toBeLessThanOrEqual(1000);
      expect(await page.locator('#scatter g[aria-description="samples"] circle').count()).toBe(drawn);
    });

    test('cancel stops the work at its next checkpoint: the file is not taken, the working one stays, "score again" scores it', async () => {
      await page.setInputFiles('#features', file('faithful.csv', csv(x.data, 2)));
      await settled(page);
      await page.setInputFiles('#features', big);
      // The worker is reading the file: it stops at its next checkpoint.
      await page.click('#cancel');
      const got = await shown(page);
      expect(got.error).toBeNull();
      expect(got.resultsHidden).toBe(true);
      expect(got.slots.features).toBe('faithful.csv: 272 samples × 2 features · large.csv: cancelled');
      expect(await page.textContent('#busy-result')).toBe('Cancelled.');
      expect(await page.isDisabled('#cancel')).toBe(true);
      expect(await page.isEnabled('#features')).toBe(true);
      await page.click('#score');
      expect((await shown(page)).resultsHidden).toBe(false);
      expect(await page.textContent('#count')).toBe('272');
    });
  });

  describe('plots', () => {
    let scores: number[] = [];

    test('the histogram is drawn by Plot: a bar a bin, counts equal to the downloaded scores binned here, labelled axes', async () => {
      if (await page.isEnabled('#clear-ubm')) await page.click('#clear-ubm');
      await settled(page);
      await page.setInputFiles('#model', reference('gmm_ML.hdf5'));
      await settled(page);
      await page.setInputFiles('#features', file('faithful.csv', csv(x.data, 2)));
      expect((await shown(page)).error).toBeNull();
      scores = (await downloadedScores()).rows.map((r) => r[1]);
      expect(scores.length).toBe(272);

      // The page's rule: sqrt(n) equal-width bins (5 to 50) from the lowest score to the highest.
      const [lo, hi] = [Math.min(...scores), Math.max(...scores)];
      const counts = new Array<number>(Math.max(5, Math.min(50, Math.round(Math.sqrt(scores.length))))).fill(0);
      for (const v of scores) counts[Math.min(counts.length - 1, Math.floor(((v - lo) / (hi - lo)) * counts.length))]++;

      const bars = await page.evaluate(() => {
        const svg = document.querySelector('#histogram svg')!;
        return {
          plot: Array.from(svg.classList).some((c) => c.startsWith('plot-')),
          bars: Array.from(svg.querySelectorAll('g[aria-description="bars"] rect'), (r) => ({
            count: Number(r.querySelector('title')!.textContent!.split(': ')[1]),
            height: Number(r.getAttribute('height')),
          })),
        };
      });
      expect(bars.plot).toBe(true);
      expect(bars.bars.map((b) => b.count)).toEqual(counts);
      // Bar heights are proportional to the counts, to a pixel.
      const tallest = bars.bars.reduce((a, b) => (b.count > a.count ? b : a));
      for (const b of bars.bars) expect(Math.abs(b.height - (b.count * tallest.height) / tallest.count)).toBeLessThan(1);
      const { texts, outside } = await plotTexts('histogram');
      expect(texts.some((t) => /\blog-likelihood\b/.test(t))).toBe(true);
      expect(texts.some((t) => /\bsamples\b/.test(t))).toBe(true);
      expect(outside).toEqual([]);
    });

    test("the 2-D view: every sample, and per Gaussian a 1- and a 2-sigma ellipse around its mean, axes labelled", async () => {
      const gmm = await GMMMachine.fromHDF5(path.join(REFERENCE_DIR, 'gmm_ML.hdf5'));
      const model = { means: Array.from(gmm.means), sd: Array.from(gmm.variances, Math.sqrt) };
      gmm.dispose();
      const got = await page.evaluate(({ means, sd }) => {
        const svg = document.querySelector('#scatter svg') as PlotSvg;
        const [sx, sy] = [svg.scale('x'), svg.scale('y')];
        const ellipses = [1, 2].map((sigmas) =>
          Array.from(svg.querySelectorAll<SVGPathElement>(`g[aria-description="model ${sigmas}-sigma ellipses"] path`), (p) => {
            const k = Number(p.querySelector('title')!.textContent!.replace('Gaussian ', ''));
            const box = p.getBBox();
            const expected = [sx.apply(means[2 * k] - sigmas * sd[2 * k]), sx.apply(means[2 * k] + sigmas * sd[2 * k]),
              sy.apply(means[2 * k + 1] + sigmas * sd[2 * k + 1]), sy.apply(means[2 * k + 1] - sigmas * sd[2 * k + 1])];
            return { k, box: [box.x, box.x + box.width, box.y, box.y + box.height], expected };
          }),
        );
        return { samples: svg.querySelectorAll('g[aria-description="samples"] circle').length, ellipses };
      }, model);
      expect(got.samples).toBe(272);
      for (const ellipses of got.ellipses) {
        expect(ellipses.map((e) => e.k).sort()).toEqual([0, 1]);
        for (const { box, expected } of ellipses) box.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1));
      }
      const { texts, outside } = await plotTexts('scatter');
      expect(texts.some((t) => /feature 0/.test(t)) && texts.some((t) => /feature 1/.test(t))).toBe(true);
      expect(outside).toEqual([]);
      expect(await page.textContent('#scatter-caption')).not.toMatch(/is shown/);
    });

    test("a full-covariance model's ellipses are rotated: every point of the k-sigma ellipse is k Mahalanobis units from the mean (1%)", async () => {
      const full = new GMMMachine(2, { covarianceType: 'full', updateVariances: true, updateWeights: true, maxFittingSteps: 20, randomState: 3 });
      await full.fit(x);
      const bytes = await full.toBytes();
      const model = { means: Array.from(full.means), covariances: Array.from(full.covariances) };
      full.dispose();
      expect(Math.abs(model.covariances[1]) / Math.sqrt(model.covariances[0] * model.covariances[3])).toBeGreaterThan(0.3); // correlated
      await page.setInputFiles('#model', file('full.h5', Buffer.from(bytes)));
      expect((await shown(page)).error).toBeNull();
      const distances = await page.evaluate(({ means, covariances }) => {
        const svg = document.querySelector('#scatter svg') as PlotSvg;
        const [sx, sy] = [svg.scale('x'), svg.scale('y')];
        return [1, 2].flatMap((sigmas) =>
          Array.from(svg.querySelectorAll<SVGPathElement>(`g[aria-description="model ${sigmas}-sigma ellipses"] path`), (p) => {
            const k = Number(p.querySelector('title')!.textContent!.replace('Gaussian ', ''));
            const [a, b, c] = [covariances[4 * k], covariances[4 * k + 1], covariances[4 * k + 3]];
            const det = a * c - b * b;
            const numbers = (p.getAttribute('d') ?? '').match(/-?[\d.]+(?:e-?\d+)?/g)!.map(Number);
            const out: number[] = [];
            for (let i = 0; i + 1 < numbers.length; i += 2) {
              const [dx, dy] = [sx.invert(numbers[i]) - means[2 * k], sy.invert(numbers[i + 1]) - means[2 * k + 1]];
              out.push(Math.sqrt((c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det) / sigmas);
            }
            return out;
          }),
        ).flat();
      }, model);
      expect(distances.length).toBeGreaterThan(4 * 60);
      for (const r of distances) expect(Math.abs(r - 1)).toBeLessThan(0.01);
      await page.setInputFiles('#model', reference('gmm_ML.hdf5'));
      expect((await shown(page)).error).toBeNull();
    });

    test('labels give a DET curve on probit axes in % and the EER of the downloaded scores and labels (1e-9)', async () => {
      // Genuine: log-likelihood above the median, with every fifth label flipped.
      const median = [...scores].sort((a, b) => a - b)[scores.length / 2];
      const genuine = scores.map((v, i) => (v > median) !== (i % 5 === 0));
      const words = genuine.map((g) => (g ? 'genuine' : 'impostor')).join('\n');
      await page.setInputFiles('#labels', file('trials.txt', Buffer.from(`${words}\n`)));
      expect((await shown(page)).error).toBeNull();
      const nGenuine = genuine.filter(Boolean).length;
      expect(await labelsSlot()).toBe(`trials.txt: 272 labels (${nGenuine} genuine, ${272 - nGenuine} impostor)`);

      const eer = equalErrorRate(detCurve(scores.filter((_, i) => genuine[i]), scores.filter((_, i) => !genuine[i])));
      expect(eer).toBeGreaterThan(0.05);
      expect(eer).toBeLessThan(0.45);
      expect(await page.isVisible('#det-figure')).toBe(true);
      expect(await page.textContent('#eer')).toBe(`${(100 * eer).toFixed(2)}%`);
      expect(Math.abs(Number(await page.getAttribute('#eer', 'data-value')) - eer)).toBeLessThan(1e-9);

      const z = detAxisPosition(eer);
      const det = await page.evaluate((z) => {
        const svg = document.querySelector('#det svg') as PlotSvg;
        const dot = svg.querySelector('g[aria-description="EER"] circle')!;
        return {
          curves: svg.querySelectorAll('g[aria-description="DET curve"] path').length,
          dot: [Number(dot.getAttribute('cx')), Number(dot.getAttribute('cy'))],
          expected: [svg.scale('x').apply(z), svg.scale('y').apply(z)],
        };
      }, z);
      expect(det.curves).toBe(1);
      det.dot.forEach((v, i) => expect(Math.abs(v - det.expected[i])).toBeLessThan(0.5));
      const { texts, outside } = await plotTexts('det');
      for (const label of ['False alarm probability (%)', 'Miss probability (%)', '0.1', '1', '5', '20', '40', `EER ${(100 * eer).toFixed(2)}%`]) {
        expect(texts).toContain(label);
      }
      expect(outside).toEqual([]);
    });

    test('a labels file with the wrong count, or a word that is no label, is refused by name: no DET curve', async () => {
      await page.setInputFiles('#labels', file('short.csv', Buffer.from('1\n0\n'.repeat(100))));
      let got = await shown(page);
      expect(got.error).toBe('short.csv has 200 labels, but faithful.csv has 272 samples: one label per sample row is needed.');
      expect(got.resultsHidden).toBe(false);
      expect(await page.isHidden('#det-figure')).toBe(true);
      expect(await page.locator('#det svg').count()).toBe(0);
      expect(await page.textContent('#eer')).toBe('');

      await page.setInputFiles('#labels', file('words.txt', Buffer.from('genuine\nmaybe\n')));
      got = await shown(page);
      expect(got.error).toBe('words.txt, line 2 (sample 2): "maybe" is not a label (0/1 or impostor/genuine, one per line)');
      expect(await labelsSlot()).toBe('short.csv: 200 labels (100 genuine, 100 impostor) · words.txt: not loaded');
      expect(await page.isHidden('#det-figure')).toBe(true);

      await page.click('#clear-labels');
      got = await shown(page);
      expect(got.error).toBeNull();
      expect(await labelsSlot()).toBe('drop a file here or choose one');
      expect(await page.isDisabled('#clear-labels')).toBe(true);
    });
  });

  test("'auto' starts on wasm at once, measures each backend in the background, takes the fastest and remembers it", async () => {
    const auto = await newPage(site as Site, '/', log);
    try {
      await settled(auto);
      // The inputs are free while the other backends are measured.
      expect(await auto.isEnabled('#model')).toBe(true);
      expect(await auto.getAttribute('#backend-info', 'data-backend')).toBe('wasm');
      await auto.waitForFunction(() => document.getElementById('backend-info')!.dataset.probing === undefined, undefined, { timeout: 0 });
      await settled(auto);
      expect(await auto.isHidden('#error')).toBe(true);
      const line = (await auto.textContent('#backend-info'))!;
      const chosen = await auto.getAttribute('#backend-info', 'data-backend');
      console.log(`auto: ${line}`);
      expect(line).toMatch(new RegExp(`^${chosen}\\b.* — auto: fastest at scoring 4096 × 16 samples against 32 Gaussians \\(`));
      // Every candidate is listed, with its time or why it is out; the chosen one has the least time.
      const times = new Map(Array.from(line.matchAll(/(webgpu|webgl|wasm) ([\d.]+) ms/g), (m) => [m[1], Number(m[2])]));
      for (const b of ['webgpu', 'webgl', 'wasm']) expect(line).toMatch(new RegExp(`${b} ([\\d.]+ ms|\\()`));
      expect(times.has('wasm')).toBe(true);
      expect(times.get(chosen!)).toBe(Math.min(...times.values()));
      // And it scores there: bob's model on Old Faithful, as on the chosen backend alone.
      await auto.setInputFiles('#model', reference('gmm_ML.hdf5'));
      await settled(auto);
      await auto.setInputFiles('#features', file('faithful.csv', csv(x.data, 2)));
      await settled(auto);
      expectClose(Number(await auto.textContent('#average')), mean(expected.ll), 1e-5);
      // The next visit starts on the remembered choice, without measuring again.
      await auto.reload();
      await settled(auto);
      expect(await auto.getAttribute('#backend-info', 'data-backend')).toBe(chosen);
      expect(await auto.textContent('#backend-info')).toMatch(new RegExp(`— auto: ${chosen}, measured fastest on an earlier visit$`));
      expect(await auto.getAttribute('#backend-info', 'data-probing')).toBeNull();
    } finally {
      await auto.close();
    }
  });
});
