/**
 * The scoring page: model, features, optional UBM and optional genuine/impostor labels from
 * file inputs or drops, scored on the chosen backend; a histogram, a 2-D scatter, a DET curve
 * with its EER (with labels) and a MAP-adapt-and-download button.
 * Files are read and scored in a worker (engine.ts), one piece of work at a time, with its
 * progress and a cancel button; any failure is shown on the page in words.
 */
import { GMMMachine, TfjsEmError, type HostArray2D } from '../../src/index.js';
import { CancelledError, Engine } from './engine.js';
import { InputError, messageOf } from './messages.js';
import { detPlot, histogram, histogramLegend, plotWidth, scatter, scatterLegend } from './plots.js';
import type { Det, FeaturesSummary, Kind, LabelsSummary, Machines, Progress, Requests, Scores, Upload } from './protocol.js';

/** Rows of the per-sample table; the histogram still counts every sample. */
const TABLE_ROWS = 300;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

type Slot = 'model' | 'ubm' | 'features' | 'labels';
const SLOTS: readonly Slot[] = ['model', 'features', 'ubm', 'labels'];

const engine = new Engine(new URL('./worker.js', import.meta.url));

const state = {
  files: { model: null, ubm: null } as Record<'model' | 'ubm', Upload | null>,
  features: null as FeaturesSummary | null,
  labels: null as LabelsSummary | null,
  machines: { model: null, ubm: null, modelWaits: false } as Machines,
  /** Whether scores are on show, for #download-scores. */
  scored: false,
  /** What the scores on show are, for the JSON summary. */
  summary: null as { what: string; scores: Scores } | null,
  /** Whether the inputs are the bundled example (its reading guide is shown). */
  example: false,
  /** The line of the file last refused in each slot, shown until the slot changes: "name: not loaded". */
  refused: { model: null, ubm: null, features: null, labels: null } as Record<Slot, string | null>,
};

let queue = Promise.resolve();
let pending = 0;
/** Cancel was pressed during the work now running: its remaining requests are not sent. */
let cancelRequested = false;

/** A request to the worker, unless the running work was cancelled (between two of its requests, say). */
function call<K extends Kind>(kind: K, args: Requests[K][0], onProgress?: (p: Progress) => void): Promise<Requests[K][1]> {
  if (cancelRequested) return Promise.reject(new CancelledError('Cancelled.'));
  return engine.call(kind, args, onProgress);
}

/**
 * Runs work after the work before it, showing its error (if any) on the page. The control that
 * started it keeps the focus (disabling it meanwhile would drop it to the page).
 */
function run(work: () => Promise<void>): Promise<void> {
  const focused = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
  setPending(+1);
  queue = queue.then(async () => {
    clearError();
    cancelRequested = false;
    try {
      await work();
    } catch (error) {
      showError(error);
    } finally {
      setPending(-1);
      if (pending === 0) restoreFocus(focused);
    }
  });
  return queue;
}

/** Back to the control that had the focus, or for a clear button now disabled, its slot's file input. */
function restoreFocus(element: HTMLElement | null): void {
  if (element === null || (document.activeElement !== null && document.activeElement !== document.body)) return;
  const target = (element as HTMLButtonElement).disabled && element.dataset.clear ? $(element.dataset.clear) : element;
  if (target.isConnected && !(target as HTMLButtonElement).disabled) target.focus();
}

/** body[data-pending] counts queued work: 0 when the page shows its latest inputs. */
function setPending(change: number): void {
  pending += change;
  document.body.dataset.pending = String(pending);
  $('busy').hidden = pending === 0;
  if (pending === 0) showProgress(null);
  enableControls();
}

/** While work runs every control waits but cancel; a clear button needs its file, MAP adaptation valid settings. */
function enableControls(): void {
  const busy = pending > 0;
  for (const id of ['model', 'features', 'ubm', 'labels', 'backend', 'relevance', 'steps']) ($(id) as HTMLInputElement).disabled = busy;
  for (const slot of SLOTS) ($(`clear-${slot}`) as HTMLButtonElement).disabled = busy || !slotTaken(slot);
  ($('adapt') as HTMLButtonElement).disabled = busy || adaptSettings().problem !== null;
  ($('score') as HTMLButtonElement).disabled = busy || state.machines.model === null || state.features === null;
  ($('download-scores') as HTMLButtonElement).disabled = busy || !state.scored;
  ($('download-summary') as HTMLButtonElement).disabled = busy || !state.scored;
  ($('example') as HTMLButtonElement).disabled = busy;
  for (const id of ['scatter-x', 'scatter-y']) ($(id) as HTMLSelectElement).disabled = busy;
  document.querySelectorAll<HTMLButtonElement>('.export button').forEach((b) => (b.disabled = busy || !state.scored));
  ($('cancel') as HTMLButtonElement).disabled = !busy;
}

function showProgress(p: Progress | null): void {
  const bar = $('progress') as HTMLProgressElement;
  bar.hidden = p === null || p.total === 0;
  if (p === null) return;
  bar.max = p.total;
  bar.value = p.done;
  $('busy').textContent = progressText(p);
}

function progressText({ phase, done, total }: Progress): string {
  if (phase === 'scoring') return `scoring ${done} of ${total} samples…`;
  if (phase === 'reading') return `reading ${(done / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB…`;
  if (phase === 'adapting') return `adapting: ${done} of ${total} EM steps done…`;
  return `${phase}…`;
}

function slotTaken(slot: Slot): boolean {
  return state.refused[slot] !== null || slotHolds(slot);
}

/** Messages of the user's own doing (files, settings) are shown; anything else also goes to the console. */
function showError(error: unknown): void {
  if (error instanceof CancelledError) {
    $('busy-result').textContent = 'Cancelled.';
    return;
  }
  const box = $('error');
  box.textContent = messageOf(error);
  box.hidden = false;
  if (!(error instanceof InputError || error instanceof TfjsEmError)) console.error(error);
}

function clearError(): void {
  $('error').hidden = true;
  $('error').textContent = '';
  $('busy-result').textContent = '';
  $('busy').textContent = 'working…';
}

function format(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(7) : String(v);
}

// ---- backend ----

/** Where the page remembers what 'auto' measured (a backend name). */
const REMEMBERED = 'tfjs-em:auto-backend';
/** While 'auto' works on wasm, the other backends are measured in a second worker. */
const FIRST_BACKEND = 'wasm';

async function switchBackend(name: string, why: string | null = null): Promise<void> {
  try {
    const chosen = await call('backend', { name }, showProgress);
    $('backend-info').textContent = why === null ? chosen.info : `${chosen.info} — ${why}`;
    $('backend-info').dataset.backend = chosen.name;
  } catch (error) {
    $('backend-info').textContent = `${name} did not start`;
    throw error;
  }
}

/**
 * 'auto': the backend an earlier probe chose, else wasm at once while a second worker measures
 * each backend; its choice is remembered and taken (with the scores redone) if 'auto' is still
 * selected. The inputs never wait for the probe.
 */
async function startAuto(): Promise<void> {
  const remembered = readRemembered();
  if (remembered !== null) return switchBackend(remembered, `auto: ${remembered}, measured fastest on an earlier visit`);
  await switchBackend(FIRST_BACKEND, 'auto: measuring the other backends in the background…');
  void probeInBackground();
}

let probing: Engine | null = null;

async function probeInBackground(): Promise<void> {
  probing?.close();
  const prober = (probing = new Engine(new URL('./worker.js', import.meta.url)));
  $('backend-info').dataset.probing = 'true';
  try {
    await prober.ready;
    const measured = await prober.call('backend', { name: 'auto' });
    if (probing !== prober || ($('backend') as HTMLSelectElement).value !== 'auto') return;
    remember(measured.name);
    await run(async () => {
      await switchBackend(measured.name, measured.why);
      await score();
    });
  } catch (error) {
    if (error instanceof CancelledError) return; // another choice closed it
    if (probing === prober) $('backend-info').textContent += ' (the measurement failed; staying here)';
    console.error(error);
  } finally {
    prober.close();
    if (probing === prober) {
      probing = null;
      delete $('backend-info').dataset.probing;
    }
  }
}

function readRemembered(): string | null {
  try {
    return localStorage.getItem(REMEMBERED);
  } catch {
    return null; // storage refused (a private window, a sandbox)
  }
}

function remember(name: string): void {
  try {
    localStorage.setItem(REMEMBERED, name);
  } catch {
    // nothing to remember it in
  }
}

/** The backend in the address (?backend=...), so that a reload or a shared link keeps it. */
function keepInAddress(backend: string): void {
  const url = new URL(location.href);
  url.searchParams.set('backend', backend);
  history.replaceState(null, '', url);
}

// ---- inputs ----

/**
 * Reads a file into its slot. A replacement that fails or is cancelled leaves the slot's working
 * file in place (the worker keeps it too), with a line saying what became of the new one.
 */
async function take(slot: Slot, file: File): Promise<void> {
  state.refused[slot] = null;
  label(slot).textContent = `${file.name} (reading…)`;
  label(slot).classList.remove('loaded');
  try {
    if (slot === 'features') state.features = await call('features', { file }, showProgress);
    else if (slot === 'labels') state.labels = await call('labels', { file }, showProgress);
    else {
      const previous = state.files[slot];
      state.files[slot] = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
      try {
        state.machines = await call('machines', state.files);
      } catch (error) {
        state.files[slot] = previous;
        // Sent even after a cancel: the worker must hold the working file again.
        state.machines = await engine.call('machines', state.files).catch(() => ({ model: null, ubm: null, modelWaits: false }));
        throw error;
      }
    }
  } catch (error) {
    state.refused[slot] = `${file.name}: ${error instanceof CancelledError ? 'cancelled' : 'not loaded'}`;
    throw error;
  } finally {
    showSlots();
  }
}

/** Forgets a slot's file (and the machines it made). */
async function clearSlot(slot: Slot): Promise<void> {
  state.refused[slot] = null;
  ($(slot) as HTMLInputElement).value = '';
  try {
    if (slot === 'features') state.features = await call('features', { file: null });
    else if (slot === 'labels') state.labels = await call('labels', { file: null });
    else {
      state.files[slot] = null;
      state.machines = await call('machines', state.files);
    }
  } finally {
    showSlots();
  }
}

const label = (slot: Slot) => document.querySelector<HTMLElement>(`.file[data-for="${slot}"]`)!;

/** Each slot's line: what is loaded, what waits, or what was refused. */
function showSlots(): void {
  for (const slot of SLOTS) {
    const [text, loaded] = slotText(slot);
    label(slot).textContent = text;
    label(slot).classList.toggle('loaded', loaded);
  }
  enableControls();
}

/** A slot's line: what it holds, then what became of a file it refused (the working file stays). */
function slotText(slot: Slot): [string, boolean] {
  const [held, loaded] = heldText(slot);
  const refused = state.refused[slot];
  if (refused === null) return [held, loaded];
  return slotHolds(slot) ? [`${held} · ${refused}`, false] : [refused, false];
}

function slotHolds(slot: Slot): boolean {
  return slot === 'features' || slot === 'labels' ? state[slot] !== null : state.files[slot] !== null;
}

function heldText(slot: Slot): [string, boolean] {
  if (slot === 'features') {
    const f = state.features;
    return f === null ? ['drop a file here or choose one', false] : [`${f.name}: ${f.shape[0]} samples × ${f.shape[1]} features`, true];
  }
  if (slot === 'labels') {
    const l = state.labels;
    return l === null ? ['drop a file here or choose one', false] : [`${l.name}: ${l.count} labels (${l.genuine} genuine, ${l.count - l.genuine} impostor)`, true];
  }
  const file = state.files[slot];
  const machine = state.machines[slot];
  if (file === null) return ['drop a file here or choose one', false];
  if (slot === 'model' && state.machines.modelWaits) return [`${file.name}: MAP-adapted, waits for its UBM`, false];
  return machine === null ? [file.name, false] : [`${file.name}: ${machine.nGaussians} Gaussians × ${machine.nFeatures} features`, true];
}

// ---- scoring ----

/** Hides the last results, so that nothing on the page belongs to inputs that are gone. */
function clearResults(): void {
  $('results').hidden = true;
  state.scored = false;
  state.summary = null;
  for (const id of ['average', 'count', 'timing', 'histogram', 'histogram-caption', 'scatter', 'scatter-legend', 'scatter-caption', 'det', 'eer', 'det-caption', 'table-note']) {
    $(id).replaceChildren();
  }
  $('det-figure').hidden = true;
  $('example-reading').hidden = true;
  delete $('eer').dataset.value;
  $('scores').querySelector('thead')!.replaceChildren();
  $('scores').querySelector('tbody')!.replaceChildren();
  showAdaptSettings();
}

function showHint(): void {
  const { machines, features, files } = state;
  $('hint').textContent = machines.modelWaits
    ? `${files.model!.name} is a MAP-adapted model: load its UBM as well.`
    : 'Load a model and features to score them.';
  $('hint').hidden = machines.model !== null && features !== null;
}

async function score(): Promise<void> {
  clearResults();
  showHint();
  const { model, ubm } = state.machines;
  const features = state.features;
  if (model === null || features === null) return;
  const scored = await call('score', { tableRows: TABLE_ROWS }, showProgress);
  if (scored === null) return;
  showScores(scored, features, ubm !== null);
  // The scores stand; labels that do not fit them are the user's to fix.
  if (typeof scored.det === 'string') throw new InputError(scored.det);
}

function showScores(s: Scores, features: FeaturesSummary, ratio: boolean): void {
  const what = ratio ? 'log-likelihood ratio (model − UBM)' : 'log-likelihood';
  $('score-title').textContent = ratio ? 'Scores against the UBM' : 'Scores';
  $('average-label').textContent = `Average ${what}`;
  $('average').textContent = format(s.average);
  $('count').textContent = String(s.count);
  $('timing').textContent = `(${s.ms.toFixed(0)} ms on ${$('backend-info').dataset.backend})`;

  // Visible first, so that the plots can take the width the page gives them.
  $('results').hidden = false;
  const split = s.bins.split !== undefined;
  $('histogram').replaceChildren(histogram(s.bins, ratio ? 'log-likelihood ratio' : 'log-likelihood', width()));
  const parts = split ? `, genuine (green) and impostor (orange) overlaid` : '';
  $('histogram-caption').innerHTML = `${histogramLegend(split)} `;
  $('histogram-caption').append(`Histogram of the per-sample ${what}${parts}${s.bins.nonFinite ? `; ${s.bins.nonFinite} not finite, left out` : ''}`);
  describe('histogram', `Histogram of ${s.count} per-sample scores (${what}) from ${format(s.bins.lo)} to ${format(s.bins.hi)}${parts}`);
  $('scatter-figure').hidden = features.points === null;
  if (features.points !== null) {
    chooseAxes(features.shape[1]);
    drawScatter(features.points, [0, 1]);
  }
  $('example-reading').hidden = !state.example;
  if (s.det !== null && typeof s.det !== 'string') showDet(s.det, what);
  table(s);
  state.scored = true;
  state.summary = { what, scores: s };
}

/** A plot's width: its figure's room on the page (a phone's is narrower than the plot's 420 px). */
const width = () => plotWidth(($('results').clientWidth || 420) - 24);

/** A plot's text alternative: what it shows, in a sentence. */
function describe(id: string, text: string): void {
  $(id).setAttribute('aria-label', text);
}

/** The two features of the scatter plot: one option a feature. */
function chooseAxes(d: number): void {
  for (const [id, chosen] of [['scatter-x', 0], ['scatter-y', 1]] as const) {
    const select = $(id) as HTMLSelectElement;
    select.replaceChildren(...Array.from({ length: d }, (_, j) => new Option(`feature ${j}`, String(j), j === chosen, j === chosen)));
  }
}

function drawScatter(points: HostArray2D, [i, j]: [number, number]): void {
  const features = state.features!;
  const [n, d] = features.shape;
  const models = [{ machine: state.machines.model!, ubm: false }];
  if (state.machines.ubm !== null) models.unshift({ machine: state.machines.ubm, ubm: true });
  $('scatter').replaceChildren(scatter(points, models, [i, j], width()));
  $('scatter-legend').innerHTML = scatterLegend(state.machines.ubm !== null);
  const which = d === 2 ? 'Samples' : `Samples (features ${i} and ${j} of ${d})`;
  const sampled = features.every > 1 ? `; one sample in ${features.every} is shown (${points.shape[0]} of ${n})` : '';
  $('scatter-caption').textContent = `${which}, with each Gaussian's 1- and 2-sigma ellipses (UBM dashed grey)${sampled}`;
  describe('scatter', `Scatter plot of ${points.shape[0]} samples, feature ${i} across and feature ${j} up, with the ellipses of ${state.machines.model!.nGaussians} Gaussians`);
}

async function changeAxes(): Promise<void> {
  const [i, j] = ['scatter-x', 'scatter-y'].map((id) => Number(($(id) as HTMLSelectElement).value)) as [number, number];
  drawScatter(await call('points', { x: i, y: j }), [i, j]);
}

function showDet(det: Det, what: string): void {
  $('det').replaceChildren(detPlot(det, width()));
  describe('det', `DET curve of ${det.genuine} genuine and ${det.impostor} impostor scores; equal error rate ${(100 * det.eer).toFixed(2)}%`);
  $('det-caption').textContent = `DET curve of the ${what} of ${det.genuine} genuine and ${det.impostor} impostor samples (${state.labels!.name}); equal error rate`;
  $('eer').textContent = `${(100 * det.eer).toFixed(2)}%`;
  $('eer').dataset.value = String(det.eer);
  $('det-figure').hidden = false;
}

function table({ ll, llUbm, scores, count }: Scores): void {
  // [heading, cell class, values]; the last column is the score the page is about.
  const columns: [string, string, Float64Array][] =
    llUbm === null ? [['log-likelihood', 'll', ll]] : [['log-likelihood', 'll', ll], ['UBM log-likelihood', 'ubm', llUbm], ['LLR', 'llr', scores]];
  $('scores').querySelector('thead')!.innerHTML = `<tr><th>#</th>${columns.map(([h]) => `<th>${h}</th>`).join('')}</tr>`;
  const rows: string[] = [];
  for (let i = 0; i < ll.length; i++) {
    const cells = columns.map(([, cls, v], j) => `<td class="${cls}${j === columns.length - 1 ? ' score' : ''}">${format(v[i])}</td>`);
    rows.push(`<tr><td>${i}</td>${cells.join('')}</tr>`);
  }
  $('scores').querySelector('tbody')!.innerHTML = rows.join('');
  $('table-note').textContent = count > ll.length ? `The first ${ll.length} of ${count} samples.` : '';
}

/** Everything needed to report the run: inputs, backend, timing, average score, EER. */
function downloadSummary(): void {
  const { what, scores } = state.summary!;
  const det = scores.det !== null && typeof scores.det !== 'string' ? scores.det : null;
  const summary = {
    model: state.files.model?.name ?? null,
    ubm: state.files.ubm?.name ?? null,
    features: state.features && { name: state.features.name, samples: state.features.shape[0], features: state.features.shape[1] },
    labels: state.labels && { name: state.labels.name, genuine: state.labels.genuine, impostor: state.labels.count - state.labels.genuine },
    score: what,
    average: scores.average,
    count: scores.count,
    eer: det?.eer ?? null,
    backend: $('backend-info').dataset.backend ?? null,
    backendLine: $('backend-info').textContent,
    scoringMs: scores.ms,
    date: new Date().toISOString(),
  };
  download(new TextEncoder().encode(`${JSON.stringify(summary, null, 2)}\n`), `${baseName()}-summary.json`, 'application/json');
}

const baseName = () => state.features!.name.replace(/\.[^.]*$/, '');

/** A plot as an SVG file, or drawn on a canvas at twice its size as a PNG. */
async function exportPlot(plot: string, format: string): Promise<void> {
  const svg = $(plot).querySelector('svg');
  if (svg === null) throw new InputError('There is no plot to export.');
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  // Plot styles the SVG through a <style> inside it, and the page's font size through style.css.
  copy.querySelectorAll('text').forEach((t) => t.setAttribute('font-size', '12'));
  const text = new XMLSerializer().serializeToString(copy);
  const name = `${baseName()}-${plot}`;
  if (format === 'svg') return download(new TextEncoder().encode(text), `${name}.svg`, 'image/svg+xml');
  const [w, h] = [svg.viewBox.baseVal.width || svg.clientWidth, svg.viewBox.baseVal.height || svg.clientHeight];
  const image = new Image();
  image.src = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    await image.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: 2 * w, height: 2 * h });
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const png = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (png === null) throw new Error('the browser could not make a PNG of the plot');
    download(new Uint8Array(await png.arrayBuffer()), `${name}.png`, 'image/png');
  } finally {
    URL.revokeObjectURL(image.src);
  }
}

// ---- example data ----

/** The bundled example, loaded as files are (UBM, model, features, labels), then scored. */
async function loadExample(): Promise<void> {
  const files = await call('example', {});
  const as = (bytes: Uint8Array, name: string) => new File([bytes as BlobPart], name);
  await take('ubm', as(files.ubm, 'example-ubm.h5'));
  await take('model', as(files.model, 'example-speaker.h5'));
  await take('features', as(files.features, 'example-features.csv'));
  await take('labels', as(files.labels, 'example-labels.csv'));
  state.example = true;
  $('example-note').textContent = 'Example loaded: a speaker model, its UBM, 400 test frames and their labels.';
}

async function downloadScores(): Promise<void> {
  const csv = await call('scoresCsv', {});
  download(csv, `${baseName()}-scores.csv`, 'text/csv');
}

// ---- MAP adaptation ----

/** The MAP settings as numbers, and what is wrong with them in the page's words (null: nothing). */
function adaptSettings(): { relevance: number; steps: number; problem: string | null } {
  const relevance = ($('relevance') as HTMLInputElement).valueAsNumber;
  const steps = ($('steps') as HTMLInputElement).valueAsNumber;
  const settings = { relevance, steps };
  if (!(relevance > 0 && Number.isFinite(relevance))) return { ...settings, problem: 'The relevance factor must be a number greater than 0 (4 is usual).' };
  if (!(Number.isInteger(steps) && steps >= 1)) return { ...settings, problem: 'EM steps must be a whole number, at least 1.' };
  try {
    // What the page does not check the library does (no tensor is made without a UBM).
    new GMMMachine(1, { mapRelevanceFactor: relevance, maxFittingSteps: steps });
    return { ...settings, problem: null };
  } catch (error) {
    return { ...settings, problem: messageOf(error) };
  }
}

function showAdaptSettings(): void {
  const { problem } = adaptSettings();
  const status = $('adapt-status');
  status.textContent = problem ?? '';
  status.classList.toggle('invalid', problem !== null);
  enableControls();
}

async function adapt(): Promise<void> {
  const modelFile = state.files.model;
  if (modelFile === null) throw new InputError('Load a model and features first.');
  const { relevance, steps, problem } = adaptSettings();
  if (problem !== null) throw new InputError(problem);
  const status = $('adapt-status');
  status.textContent = 'adapting…';
  try {
    const adapted = await call('adapt', { relevance, steps }, showProgress);
    const name = `${modelFile.name.replace(/\.(h5|hdf5|hdf)$/i, '')}-map.h5`;
    download(adapted.bytes, name);
    status.textContent = `${adapted.nIter} step(s) in ${adapted.ms.toFixed(0)} ms; downloaded ${name}`;
  } catch (error) {
    status.textContent = '';
    throw error;
  }
}

function download(bytes: Uint8Array, name: string, type = 'application/x-hdf5'): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- wiring ----

/**
 * Work on the inputs, then the scores of whatever inputs stand (a failed replacement leaves the
 * working ones); the work's own error, if any, is the one shown.
 */
async function thenScore(work: () => Promise<void>): Promise<void> {
  let failure: unknown = null;
  try {
    await work();
  } catch (error) {
    failure = error;
  }
  try {
    await score();
  } catch (error) {
    if (failure === null) throw error;
  }
  if (failure !== null) throw failure;
}

function wire(): void {
  for (const slot of SLOTS) {
    const input = $(slot) as HTMLInputElement;
    const handle = (file: File | undefined) => {
      if (file === undefined) return;
      state.example = false;
      clearResults();
      void run(() => thenScore(() => take(slot, file)));
    };
    input.addEventListener('change', () => {
      handle(input.files?.[0]);
      input.value = ''; // choosing the same file again (after a cancel, say) is a change too
    });
    const zone = input.closest<HTMLElement>('.drop')!;
    zone.addEventListener('dragover', (e) => (e.preventDefault(), zone.classList.add('over')));
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      if (pending === 0) handle(e.dataTransfer?.files[0]);
    });
    // A click anywhere on the card but its controls opens the file chooser.
    zone.addEventListener('click', (e) => {
      if (!(e.target as HTMLElement).closest('button, input, label, select') && !input.disabled) input.click();
    });
    $(`clear-${slot}`).addEventListener('click', () => {
      state.example = false;
      clearResults();
      void run(async () => {
        await clearSlot(slot);
        await score();
      });
    });
  }
  // A file dropped outside the zones would replace the page: ignore it.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  const select = $('backend') as HTMLSelectElement;
  select.addEventListener('change', () => {
    keepInAddress(select.value);
    clearResults();
    probing?.close();
    probing = null;
    if (select.value === 'auto') {
      try {
        localStorage.removeItem(REMEMBERED); // choosing auto again measures again
      } catch {
        // no storage
      }
    }
    void run(async () => {
      await (select.value === 'auto' ? startAuto() : switchBackend(select.value));
      await score();
    });
  });
  $('score').addEventListener('click', () => {
    clearResults();
    void run(score);
  });
  $('adapt').addEventListener('click', () => void run(adapt));
  $('download-scores').addEventListener('click', () => void run(downloadScores));
  $('download-summary').addEventListener('click', downloadSummary);
  $('example').addEventListener('click', () => {
    clearResults();
    void run(() => thenScore(loadExample));
  });
  document.querySelectorAll<HTMLElement>('.export').forEach((p) =>
    p.addEventListener('click', (e) => {
      const format = (e.target as HTMLElement).closest('button')?.dataset.format;
      if (format !== undefined) void run(() => exportPlot(p.dataset.plot!, format));
    }),
  );
  for (const id of ['scatter-x', 'scatter-y']) $(id).addEventListener('change', () => void run(changeAxes));
  $('cancel').addEventListener('click', () => {
    cancelRequested = true;
    engine.cancel();
  });
  for (const id of ['relevance', 'steps']) $(id).addEventListener('input', showAdaptSettings);
  window.addEventListener('unhandledrejection', (e) => showError(e.reason));
  window.addEventListener('error', (e) => showError(e.error ?? e.message));

  // ?backend=wasm picks the backend from the address (a link that keeps the choice).
  const asked = new URLSearchParams(location.search).get('backend');
  if (asked !== null && [...select.options].some((o) => o.value === asked)) select.value = asked;
  void run(async () => {
    await engine.ready;
    await (select.value === 'auto' ? startAuto() : switchBackend(select.value));
  });
}

wire();
document.body.dataset.ready = 'true';
