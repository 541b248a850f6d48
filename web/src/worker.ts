/**
 * The page's worker: reads the files, holds the machines and scores on the chosen backend,
 * reporting progress and stopping at the next checkpoint when the page cancels.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { GMMMachine, TfjsEmError, getBackendInfo, useBackend, type BackendName } from '../../src/index.js';
import { toMatrix } from '../../src/data/matrix.js';
import { InputError, NeedsUbmError, eachLines, messageOf, readFeatures, readModel, type Features } from './inputs.js';
import { detOf, parseLabels, type Labels } from './labels.js';
import type { Bins, Kind, MachineSummary, Progress, Reply, Request, Requests, Upload } from './protocol.js';
import { chooseByProbe, describeProbe } from './probe.js';
import { installWebGPUFallback } from './webgpuFallback.js';

/** Rows scored per step: progress and cancelling happen between steps. */
const SCORE_ROWS = 32_768;
/** Most samples sent to the page for the scatter plot. */
const MAX_POINTS = 1000;

class Cancelled extends Error {}

const state = {
  features: null as Features | null,
  labels: null as Labels | null,
  model: null as GMMMachine | null,
  ubm: null as GMMMachine | null,
  files: { model: null as Upload | null, ubm: null as Upload | null },
  lastScores: null as Float64Array | null,
};

/** The request being handled; a cancel aborts its controller (a fit stops at its next chunk). */
let current: { id: number; cancelled: boolean; abort: AbortController } | null = null;

function post(reply: Reply, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(reply, transfer);
}

function progress(phase: string, done: number, total: number): void {
  if (current !== null) post({ id: current.id, progress: { phase, done, total } satisfies Progress });
}

/** Lets the page's messages in (a cancel) and stops if one asked to. */
async function checkpoint(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (current?.cancelled) throw new Cancelled('Cancelled.');
}

// ---- backend ----

async function backend({ name }: Requests['backend'][0]): Promise<Requests['backend'][1]> {
  // The machines' device copies belong to the old backend; they are rebuilt on first use.
  state.model?.dispose();
  state.ubm?.dispose();
  if (name !== 'auto') {
    await useBackend(name as BackendName);
    return { info: describeBackend(), name: getBackendInfo().name, why: null };
  }
  const { results } = await chooseByProbe((done, total) => progress('probing the backends', done, total));
  return { info: describeBackend(), name: getBackendInfo().name, why: describeProbe(results) };
}

function describeBackend(): string {
  const info = getBackendInfo();
  // Chromium may hide the WebGPU adapter's names (all empty): then there is nothing to show.
  const details = [/\w/.test(info.adapter ?? '') ? info.adapter : undefined];
  if (info.name === 'wasm') details.push(info.limits.simd ? 'SIMD' : 'no SIMD', `${info.limits.threads ?? 1} thread(s)`);
  if (info.name === 'cpu') details.push('plain JavaScript');
  return [info.name, ...details.filter(Boolean)].join(' · ');
}

// ---- inputs ----

const summary = (m: GMMMachine | null): MachineSummary | null =>
  m && {
    nGaussians: m.nGaussians,
    nFeatures: m.nFeatures,
    means: m.means,
    variances: m.variances,
    covariances: m.covarianceType === 'full' || m.covarianceType === 'tied' ? m.covariances : null,
    tied: m.covarianceType === 'tied',
  };

async function machines(files: Requests['machines'][0]): Promise<Requests['machines'][1]> {
  state.model?.dispose();
  state.ubm?.dispose();
  state.model = state.ubm = null;
  state.files = files;
  let modelWaits = false;
  if (files.ubm) state.ubm = await readModel(files.ubm.name, files.ubm.bytes, null);
  if (files.model) {
    try {
      state.model = await readModel(files.model.name, files.model.bytes, state.ubm);
    } catch (error) {
      if (!(error instanceof NeedsUbmError)) throw error;
      modelWaits = true;
    }
  }
  return { model: summary(state.model), ubm: summary(state.ubm), modelWaits };
}

/** Between the pieces of a file: its progress, and a chance to cancel. */
const reading = (phase: string) => ({
  between: async (done: number, total: number) => {
    progress(phase, done, total);
    await checkpoint();
  },
});

/** A new features file; the one held stays until the new one is read and checked. */
async function features({ file }: Requests['features'][0]): Promise<Requests['features'][1]> {
  if (file === null) {
    state.features = null;
    return null;
  }
  progress('reading', 0, file.size);
  const read = await readFeatures(file, reading('reading'));
  await checkpoint();
  state.features = read;
  const [n, d] = read.data.shape;
  return { name: read.name, shape: [n, d], points: d >= 2 ? points({ x: 0, y: 1 }) : null, every: everyOf(n) };
}

const everyOf = (n: number) => Math.max(1, Math.ceil(n / MAX_POINTS));

/** Features x and y of every `every`-th sample, for the scatter plot. */
function points({ x, y }: Requests['points'][0]): Requests['points'][1] {
  const f = state.features;
  if (f === null) throw new InputError('There are no features to show.');
  const [n, d] = f.data.shape;
  if (!(x >= 0 && x < d && y >= 0 && y < d)) throw new InputError(`${f.name} has features 1 to ${d}.`);
  const every = everyOf(n);
  const data = new Float64Array(2 * Math.ceil(n / every));
  for (let i = 0, o = 0; i < n; i += every, o += 2) [data[o], data[o + 1]] = [f.data.data[d * i + x], f.data.data[d * i + y]];
  return { data, shape: [data.length / 2, 2] };
}

/** A new labels file; the one held stays until the new one is read. */
async function labels({ file }: Requests['labels'][0]): Promise<Requests['labels'][1]> {
  if (file === null) {
    state.labels = null;
    return null;
  }
  progress('reading', 0, file.size);
  const lines: string[] = [];
  await eachLines(file, reading('reading'), (batch) => lines.push(...batch));
  const read = parseLabels(lines, file.name);
  await checkpoint();
  state.labels = read;
  return { name: read.name, count: read.genuine.length, genuine: read.genuine.reduce((s, v) => s + v, 0) };
}

// ---- scoring ----

async function score({ tableRows }: Requests['score'][0]): Promise<Requests['score'][1]> {
  const { model, ubm, features: f } = state;
  state.lastScores = null;
  if (model === null || f === null) return null;
  const [n, d] = f.data.shape;
  for (const [m, file] of [[model, state.files.model], [ubm, state.files.ubm]] as const) {
    if (m !== null && m.nFeatures !== d) throw new InputError(`${f.name} has ${d} features per sample, but ${file!.name} models ${m.nFeatures}.`);
  }
  // Checked whole first, so that a bad value is named by its row in the file's samples.
  await toMatrix(f.data).catch((error: unknown) => {
    throw new InputError(`${f.name}: ${messageOf(error)}`);
  });
  const start = performance.now();
  const ll = new Float64Array(n);
  const llUbm = ubm === null ? null : new Float64Array(n);
  for (let first = 0; first < n; first += SCORE_ROWS) {
    const rows = Math.min(SCORE_ROWS, n - first);
    const chunk = { data: f.data.data.subarray(first * d, (first + rows) * d), shape: [rows, d] as [number, number] };
    ll.set(await model.logLikelihood(chunk), first);
    if (ubm !== null) llUbm!.set(await ubm.logLikelihood(chunk), first);
    progress('scoring', first + rows, n);
    await checkpoint();
  }
  const ms = performance.now() - start;
  const scores = llUbm === null ? ll : ll.map((v, i) => v - llUbm[i]);
  state.lastScores = scores;
  const head = (v: Float64Array) => v.slice(0, tableRows);
  const det = state.labels && detOf(scores, state.labels, f.name);
  const bins = histogramBins(scores);
  if (det !== null && typeof det !== 'string') bins.split = splitCounts(scores, state.labels!.genuine, bins);
  return { count: n, average: scores.reduce((s, v) => s + v, 0) / n, ll: head(ll), llUbm: llUbm && head(llUbm), scores: head(scores), bins, ms, det };
}

/** The genuine and the impostor scores counted on the same bins. */
function splitCounts(scores: Float64Array, genuine: Uint8Array, { lo, hi, counts }: Bins): { genuine: number[]; impostor: number[] } {
  const out = { genuine: new Array<number>(counts.length).fill(0), impostor: new Array<number>(counts.length).fill(0) };
  scores.forEach((v, i) => {
    if (Number.isFinite(v)) (genuine[i] === 1 ? out.genuine : out.impostor)[binOf(v, lo, hi, counts.length)]++;
  });
  return out;
}

const binOf = (v: number, lo: number, hi: number, bins: number) => Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins));

/** Equal-width bins over the finite scores (sqrt of their count, between 5 and 50). */
function histogramBins(values: Float64Array): Bins {
  let [lo, hi, finite] = [Infinity, -Infinity, 0];
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    finite++;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (finite === 0) return { lo: 0, hi: 0, counts: [], nonFinite: values.length };
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const counts = new Array<number>(Math.max(5, Math.min(50, Math.round(Math.sqrt(finite))))).fill(0);
  for (const v of values) if (Number.isFinite(v)) counts[binOf(v, lo, hi, counts.length)]++;
  return { lo, hi, counts, nonFinite: values.length - finite };
}

/** The last scores as CSV: a header, then each sample's row index and score at full precision. */
function scoresCsv(): Uint8Array {
  const scores = state.lastScores;
  if (scores === null) throw new InputError('There are no scores to download.');
  const lines = ['index,score'];
  for (let i = 0; i < scores.length; i++) lines.push(`${i},${scores[i]}`);
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

// ---- MAP adaptation ----

async function adapt({ relevance, steps }: Requests['adapt'][0]): Promise<Requests['adapt'][1]> {
  const { model, features: f } = state;
  if (model === null || f === null) throw new InputError('Load a model and features first.');
  const start = performance.now();
  const adapted = new GMMMachine(model.nGaussians, { trainer: 'map', ubm: model, mapRelevanceFactor: relevance, maxFittingSteps: steps });
  try {
    progress('adapting', 0, steps);
    const signal = current!.abort.signal;
    await adapted.fit(f.data, { signal, onStep: ({ step }) => progress('adapting', step, steps) }).catch((error: unknown) => {
      throw signal.aborted ? new Cancelled('Cancelled.') : error;
    });
    return { bytes: await adapted.toBytes(), nIter: adapted.nIter, ms: performance.now() - start };
  } finally {
    adapted.dispose();
  }
}

// ---- example data ----

/**
 * A small speaker-verification example, the same on every visit: a 4-Gaussian UBM of 2-D
 * frames, a speaker model (the UBM with its means moved and narrowed towards the speaker's
 * voice) and 400 test frames, alternately the speaker's (genuine) and the UBM's (impostor),
 * with their labels. Files as a user would load them.
 */
async function example(): Promise<Requests['example'][1]> {
  const ubm = new GMMMachine(4);
  ubm.weights = [0.3, 0.2, 0.25, 0.25];
  ubm.means = [-2, -1, 0, 2, 2, 0, 1, -2.5];
  ubm.variances = [1, 0.8, 0.9, 1.1, 1.2, 0.7, 0.8, 1];
  const speaker = new GMMMachine(4);
  speaker.weights = [0.35, 0.15, 0.3, 0.2];
  speaker.means = [-1.4, -0.4, 0.4, 2.4, 2.3, 0.7, 1.2, -1.8];
  speaker.variances = [0.6, 0.5, 0.5, 0.6, 0.7, 0.4, 0.5, 0.6];
  try {
    const genuine = speaker.sample(200, { randomState: 11 }).data;
    const impostor = ubm.sample(200, { randomState: 12 }).data;
    const rows: string[] = ['feature 1,feature 2'];
    const labels: string[] = ['label'];
    for (let i = 0; i < 200; i++) {
      rows.push(`${genuine[2 * i].toFixed(5)},${genuine[2 * i + 1].toFixed(5)}`, `${impostor[2 * i].toFixed(5)},${impostor[2 * i + 1].toFixed(5)}`);
      labels.push('genuine', 'impostor');
    }
    const text = (lines: string[]) => new TextEncoder().encode(`${lines.join('\n')}\n`);
    return { ubm: await ubm.toBytes(), model: await speaker.toBytes(), features: text(rows), labels: text(labels) };
  } finally {
    ubm.dispose();
    speaker.dispose();
  }
}

// ---- messages ----

const handlers: { [K in Kind]: (args: Requests[K][0]) => Promise<Requests[K][1]> | Requests[K][1] } = {
  backend,
  machines,
  features,
  labels,
  score,
  adapt,
  scoresCsv,
  points,
  example,
};

self.addEventListener('message', (event: MessageEvent<Request>) => {
  const request = event.data;
  if (request.kind === 'cancel') {
    if (current !== null) {
      current.cancelled = true;
      current.abort.abort();
    }
    return;
  }
  void handle(request);
});

let queue = Promise.resolve();

/** One request at a time, in order. */
function handle(request: Exclude<Request, { kind: 'cancel' }>): void {
  queue = queue.then(async () => {
    current = { id: request.id, cancelled: false, abort: new AbortController() };
    try {
      const handler = handlers[request.kind] as (args: unknown) => Promise<unknown>;
      const value = await handler(request.args);
      post({ id: request.id, ok: true, value }, transferables(value));
    } catch (error) {
      const user = error instanceof InputError || error instanceof TfjsEmError || error instanceof Cancelled;
      if (!user) console.error(error);
      post({ id: request.id, ok: false, message: messageOf(error), user, cancelled: error instanceof Cancelled });
    } finally {
      current = null;
    }
  });
}

/** The large buffers of a reply move to the page instead of being copied. */
function transferables(value: unknown): Transferable[] {
  if (value instanceof Uint8Array) return [value.buffer as ArrayBuffer];
  return [];
}

// The wasm binaries lie in the page's lib/vendor/ (scripts/build-browser.mjs puts them there).
setWasmPaths(new URL('./lib/vendor/', self.location.href).href);
installWebGPUFallback();
post({ id: 0, ok: true, value: 'ready' });
