/**
 * The page's worker: reads the files, holds the machines and scores on the chosen backend,
 * reporting progress and stopping at the next checkpoint when the page cancels.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { GMMMachine, TfjsEmError, getBackendInfo, useBackend, type BackendName } from '../../src/index.js';
import { toMatrix } from '../../src/data/matrix.js';
import { InputError, NeedsUbmError, messageOf, readFeatures, readModel, type Features } from './inputs.js';
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

let current: { id: number; cancelled: boolean } | null = null;

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
  m && { nGaussians: m.nGaussians, nFeatures: m.nFeatures, means: m.means, variances: m.variances, plane: plane(m) };

/** The covariance blocks of features 0 and 1 (see MachineSummary.plane). */
function plane(m: GMMMachine): Float64Array {
  const [k, d] = [m.nGaussians, m.nFeatures];
  const out = new Float64Array(k * 3);
  const variances = m.variances;
  const covariances = m.covarianceType === 'full' || m.covarianceType === 'tied' ? m.covariances : null;
  for (let g = 0; g < k; g++) {
    const at = m.covarianceType === 'full' ? g * d * d : 0;
    out[g * 3] = variances[g * d];
    out[g * 3 + 1] = covariances === null || d < 2 ? 0 : covariances[at + 1];
    out[g * 3 + 2] = d < 2 ? 0 : variances[g * d + 1];
  }
  return out;
}

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

async function features({ file }: Requests['features'][0]): Promise<Requests['features'][1]> {
  state.features = null;
  if (file === null) return null;
  progress('reading', 0, file.size);
  const read = await readFeatures(file);
  await checkpoint();
  state.features = read;
  const [n, d] = read.data.shape;
  const every = Math.max(1, Math.ceil(n / MAX_POINTS));
  let points = null;
  if (d >= 2) {
    const data = new Float64Array(2 * Math.ceil(n / every));
    for (let i = 0, o = 0; i < n; i += every, o += 2) data.set(read.data.data.subarray(d * i, d * i + 2), o);
    points = { data, shape: [data.length / 2, 2] as [number, number] };
  }
  return { name: read.name, shape: [n, d], points, every };
}

async function labels({ file }: Requests['labels'][0]): Promise<Requests['labels'][1]> {
  state.labels = null;
  if (file === null) return null;
  progress('reading', 0, file.size);
  const read = parseLabels(await file.text(), file.name);
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
  return {
    count: n,
    average: scores.reduce((s, v) => s + v, 0) / n,
    ll: head(ll),
    llUbm: llUbm && head(llUbm),
    scores: head(scores),
    bins: histogramBins(scores),
    ms,
    det: state.labels && detOf(scores, state.labels, f.name),
  };
}

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
  for (const v of values) if (Number.isFinite(v)) counts[Math.min(counts.length - 1, Math.floor(((v - lo) / (hi - lo)) * counts.length))]++;
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
    await adapted.fit(f.data);
    return { bytes: await adapted.toBytes(), nIter: adapted.nIter, ms: performance.now() - start };
  } finally {
    adapted.dispose();
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
};

self.addEventListener('message', (event: MessageEvent<Request>) => {
  const request = event.data;
  if (request.kind === 'cancel') {
    if (current !== null) current.cancelled = true;
    return;
  }
  void handle(request);
});

let queue = Promise.resolve();

/** One request at a time, in order. */
function handle(request: Exclude<Request, { kind: 'cancel' }>): void {
  queue = queue.then(async () => {
    current = { id: request.id, cancelled: false };
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
