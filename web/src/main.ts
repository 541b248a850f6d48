/**
 * The scoring page: model, features and optional UBM from file inputs or drops, scored on
 * the chosen backend; a histogram, a 2-D scatter and a MAP-adapt-and-download button.
 * One piece of work runs at a time; any failure is shown on the page in words.
 */
import { GMMMachine, TfjsEmError, getBackendInfo, useBackend, type BackendName } from '../../src/index.js';
import { installWebGPUFallback } from './webgpuFallback.js';
import { InputError, NeedsUbmError, messageOf, readFeatures, readModel, type Features } from './inputs.js';
import { histogram, scatter } from './plots.js';

/** Rows of the per-sample table; the histogram still counts every sample. */
const TABLE_ROWS = 1000;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

interface Upload {
  name: string;
  bytes: Uint8Array;
}

type Slot = 'model' | 'ubm' | 'features';
const SLOTS: readonly Slot[] = ['model', 'features', 'ubm'];

const state = {
  files: { model: null, ubm: null } as Record<'model' | 'ubm', Upload | null>,
  features: null as Features | null,
  model: null as GMMMachine | null,
  ubm: null as GMMMachine | null,
  /** The model file is MAP-adapted and waits for its UBM. */
  modelWaits: false,
  /** The scores on show, for #download-scores. */
  scores: null as Float64Array | null,
  /** The name of the file last refused in each slot (shown until the slot changes). */
  refused: { model: null, ubm: null, features: null } as Record<Slot, string | null>,
};

let queue = Promise.resolve();
let pending = 0;

/** Runs work after the work before it, showing its error (if any) on the page. */
function run(work: () => Promise<void>): Promise<void> {
  setPending(+1);
  queue = queue.then(async () => {
    clearError();
    try {
      await work();
    } catch (error) {
      showError(error);
    } finally {
      setPending(-1);
    }
  });
  return queue;
}

/** body[data-pending] counts queued work: 0 when the page shows its latest inputs. */
function setPending(change: number): void {
  pending += change;
  document.body.dataset.pending = String(pending);
  $('busy').hidden = pending === 0;
  enableControls();
}

/** While work runs every control waits; a clear button needs its file, MAP adaptation valid settings. */
function enableControls(): void {
  const busy = pending > 0;
  for (const id of ['model', 'features', 'ubm', 'backend', 'relevance', 'steps']) ($(id) as HTMLInputElement).disabled = busy;
  for (const slot of SLOTS) ($(`clear-${slot}`) as HTMLButtonElement).disabled = busy || !slotTaken(slot);
  ($('adapt') as HTMLButtonElement).disabled = busy || adaptSettings().problem !== null;
  ($('download-scores') as HTMLButtonElement).disabled = busy || state.scores === null;
}

function slotTaken(slot: Slot): boolean {
  return (slot === 'features' ? state.features !== null : state.files[slot] !== null) || state.refused[slot] !== null;
}

/** Messages of the user's own doing (files, settings) are shown; anything else also goes to the console. */
function showError(error: unknown): void {
  const box = $('error');
  box.textContent = messageOf(error);
  box.hidden = false;
  if (!(error instanceof InputError || error instanceof TfjsEmError)) console.error(error);
}

function clearError(): void {
  $('error').hidden = true;
  $('error').textContent = '';
}

function format(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(7) : String(v);
}

// ---- backend ----

async function switchBackend(name: BackendName): Promise<void> {
  // The machines' device copies belong to the old backend; they are rebuilt on first use.
  state.model?.dispose();
  state.ubm?.dispose();
  try {
    await useBackend(name);
  } finally {
    showBackend();
  }
}

function showBackend(): void {
  const info = getBackendInfo();
  // Chromium may hide the WebGPU adapter's names (all empty): then there is nothing to show.
  const details = [/\w/.test(info.adapter ?? '') ? info.adapter : undefined];
  if (info.name === 'wasm') details.push(info.limits.simd ? 'SIMD' : 'no SIMD', `${info.limits.threads ?? 1} thread(s)`);
  if (info.name === 'cpu') details.push('plain JavaScript');
  $('backend-info').textContent = [info.name, ...details.filter(Boolean)].join(' · ');
  $('backend-info').dataset.backend = info.name;
}

// ---- inputs ----

async function loadMachines(): Promise<void> {
  state.model?.dispose();
  state.ubm?.dispose();
  state.model = state.ubm = null;
  state.modelWaits = false;
  const { model, ubm } = state.files;
  if (ubm) state.ubm = await readModel(ubm.name, ubm.bytes, null);
  if (!model) return;
  try {
    state.model = await readModel(model.name, model.bytes, state.ubm);
  } catch (error) {
    if (!(error instanceof NeedsUbmError)) throw error;
    state.modelWaits = true;
  }
}

async function take(slot: Slot, file: File): Promise<void> {
  state.refused[slot] = null;
  label(slot).textContent = `${file.name} (reading…)`;
  label(slot).classList.remove('loaded');
  try {
    if (slot === 'features') {
      state.features = null;
      state.features = await readFeatures(file);
    } else {
      state.files[slot] = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
      try {
        await loadMachines();
      } catch (error) {
        state.files[slot] = null;
        await loadMachines().catch(() => undefined);
        throw error;
      }
    }
  } catch (error) {
    state.refused[slot] = file.name;
    throw error;
  } finally {
    showSlots();
  }
}

/** Forgets a slot's file (and the machines it made). */
async function clearSlot(slot: Slot): Promise<void> {
  state.refused[slot] = null;
  ($(slot) as HTMLInputElement).value = '';
  if (slot === 'features') state.features = null;
  else {
    state.files[slot] = null;
    await loadMachines().finally(showSlots);
  }
  showSlots();
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

function slotText(slot: Slot): [string, boolean] {
  if (state.refused[slot] !== null) return [`${state.refused[slot]}: not loaded`, false];
  if (slot === 'features') {
    const f = state.features;
    return f === null ? ['drop a file here or choose one', false] : [`${f.name}: ${f.data.shape[0]} samples × ${f.data.shape[1]} features`, true];
  }
  const file = state.files[slot];
  const machine = slot === 'model' ? state.model : state.ubm;
  if (file === null) return ['drop a file here or choose one', false];
  if (slot === 'model' && state.modelWaits) return [`${file.name}: MAP-adapted, waits for its UBM`, false];
  return machine === null ? [file.name, false] : [`${file.name}: ${machine.nGaussians} Gaussians × ${machine.nFeatures} features`, true];
}

// ---- scoring ----

/** Hides the last results, so that nothing on the page belongs to inputs that are gone. */
function clearResults(): void {
  $('results').hidden = true;
  state.scores = null;
  for (const id of ['average', 'count', 'timing', 'histogram', 'histogram-caption', 'scatter', 'table-note']) $(id).replaceChildren();
  $('scores').querySelector('thead')!.replaceChildren();
  $('scores').querySelector('tbody')!.replaceChildren();
  showAdaptSettings();
}

function showHint(): void {
  const { model, features, modelWaits, files } = state;
  $('hint').textContent = modelWaits
    ? `${files.model!.name} is a MAP-adapted model: load its UBM as well.`
    : 'Load a model and features to score them.';
  $('hint').hidden = model !== null && features !== null;
}

async function score(): Promise<void> {
  clearResults();
  showHint();
  const { model, ubm, features } = state;
  if (model === null || features === null) return;
  const d = features.data.shape[1];
  for (const [m, file] of [[model, state.files.model], [ubm, state.files.ubm]] as const) {
    if (m !== null && m.nFeatures !== d) {
      throw new InputError(`${features.name} has ${d} features per sample, but ${file!.name} models ${m.nFeatures}.`);
    }
  }
  const start = performance.now();
  const scored = (m: GMMMachine) =>
    m.logLikelihood(features.data).catch((error: unknown) => {
      throw new InputError(`${features.name}: ${messageOf(error)}`);
    });
  const ll = await scored(model);
  const llUbm = ubm === null ? null : await scored(ubm);
  const ms = performance.now() - start;
  const scores = llUbm === null ? ll : ll.map((v, i) => v - llUbm[i]);
  $('results').hidden = false;
  state.scores = scores;
  const average = scores.reduce((s, v) => s + v, 0) / scores.length;

  const what = llUbm === null ? 'log-likelihood' : 'log-likelihood ratio (model − UBM)';
  $('score-title').textContent = llUbm === null ? 'Scores' : 'Scores against the UBM';
  $('average-label').textContent = `Average ${what}`;
  $('average').textContent = format(average);
  $('count').textContent = String(scores.length);
  $('timing').textContent = `(${ms.toFixed(0)} ms on ${getBackendInfo().name})`;

  const { svg, nonFinite } = histogram(scores);
  $('histogram').replaceChildren(svg);
  $('histogram-caption').textContent = `Histogram of the per-sample ${what}${nonFinite ? `; ${nonFinite} not finite, left out` : ''}`;
  $('scatter-figure').hidden = d !== 2;
  if (d === 2) {
    const models = [{ machine: model, dashed: false }];
    if (ubm !== null) models.unshift({ machine: ubm, dashed: true });
    $('scatter').replaceChildren(scatter(features.data, models));
  }
  table(ll, llUbm, scores);
}

function table(ll: Float64Array, llUbm: Float64Array | null, scores: Float64Array): void {
  // [heading, cell class, values]; the last column is the score the page is about.
  const columns: [string, string, Float64Array][] =
    llUbm === null ? [['log-likelihood', 'll', ll]] : [['log-likelihood', 'll', ll], ['UBM log-likelihood', 'ubm', llUbm], ['LLR', 'llr', scores]];
  $('scores').querySelector('thead')!.innerHTML = `<tr><th>#</th>${columns.map(([h]) => `<th>${h}</th>`).join('')}</tr>`;
  const rows: string[] = [];
  for (let i = 0; i < Math.min(TABLE_ROWS, ll.length); i++) {
    const cells = columns.map(([, cls, v], j) => `<td class="${cls}${j === columns.length - 1 ? ' score' : ''}">${format(v[i])}</td>`);
    rows.push(`<tr><td>${i}</td>${cells.join('')}</tr>`);
  }
  $('scores').querySelector('tbody')!.innerHTML = rows.join('');
  $('table-note').textContent = ll.length > TABLE_ROWS ? `The first ${TABLE_ROWS} of ${ll.length} samples.` : '';
}

// ---- MAP adaptation ----

/** The MAP settings as numbers, and the library's objection to them (null: none). */
function adaptSettings(): { relevance: number; steps: number; problem: string | null } {
  const relevance = ($('relevance') as HTMLInputElement).valueAsNumber;
  const steps = ($('steps') as HTMLInputElement).valueAsNumber;
  try {
    // The constructor checks the training settings; no tensor is made without a UBM.
    new GMMMachine(1, { mapRelevanceFactor: relevance, maxFittingSteps: steps });
    return { relevance, steps, problem: null };
  } catch (error) {
    return { relevance, steps, problem: messageOf(error) };
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
  const { model, features } = state;
  const modelFile = state.files.model;
  if (model === null || features === null || modelFile === null) throw new InputError('Load a model and features first.');
  const { relevance, steps, problem } = adaptSettings();
  if (problem !== null) throw new InputError(problem);
  const status = $('adapt-status');
  status.textContent = 'adapting…';
  const start = performance.now();
  const adapted = new GMMMachine(model.nGaussians, { trainer: 'map', ubm: model, mapRelevanceFactor: relevance, maxFittingSteps: steps });
  try {
    await adapted.fit(features.data);
    const name = `${modelFile.name.replace(/\.(h5|hdf5|hdf)$/i, '')}-map.h5`;
    download(await adapted.toBytes(), name);
    status.textContent = `${adapted.nIter} step(s) in ${(performance.now() - start).toFixed(0)} ms; downloaded ${name}`;
  } catch (error) {
    status.textContent = '';
    throw error;
  } finally {
    adapted.dispose();
  }
}

/** The scores on show as CSV: a header, then each sample's row index and score at full precision. */
function downloadScores(): void {
  const { scores, features } = state;
  if (scores === null || features === null) return;
  const lines = ['index,score'];
  for (let i = 0; i < scores.length; i++) lines.push(`${i},${scores[i]}`);
  download(new TextEncoder().encode(`${lines.join('\n')}\n`), `${features.name.replace(/\.[^.]*$/, '')}-scores.csv`, 'text/csv');
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

function wire(): void {
  for (const slot of ['model', 'ubm', 'features'] as const) {
    const input = $(slot) as HTMLInputElement;
    const handle = (file: File | undefined) => {
      if (file === undefined) return;
      clearResults();
      void run(async () => {
        try {
          await take(slot, file);
        } finally {
          await score();
        }
      });
    };
    $(`clear-${slot}`).addEventListener('click', (e) => {
      e.preventDefault(); // inside the slot's label: not a click on its file input
      clearResults();
      void run(async () => {
        await clearSlot(slot);
        await score();
      });
    });
    input.addEventListener('change', () => handle(input.files?.[0]));
    const zone = input.closest<HTMLElement>('.drop')!;
    zone.addEventListener('dragover', (e) => (e.preventDefault(), zone.classList.add('over')));
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      handle(e.dataTransfer?.files[0]);
    });
  }
  // A file dropped outside the zones would replace the page: ignore it.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  const select = $('backend') as HTMLSelectElement;
  select.addEventListener('change', () => {
    clearResults();
    void run(async () => {
      await switchBackend(select.value as BackendName);
      await score();
    });
  });
  $('adapt').addEventListener('click', () => void run(adapt));
  $('download-scores').addEventListener('click', downloadScores);
  for (const id of ['relevance', 'steps']) $(id).addEventListener('input', showAdaptSettings);
  window.addEventListener('unhandledrejection', (e) => showError(e.reason));
  window.addEventListener('error', (e) => showError(e.error ?? e.message));

  // ?backend=wasm picks the backend from the address (a link that keeps the choice).
  const asked = new URLSearchParams(location.search).get('backend');
  if (asked !== null && [...select.options].some((o) => o.value === asked)) select.value = asked;
  void run(() => switchBackend(select.value as BackendName));
}

installWebGPUFallback();
wire();
document.body.dataset.ready = 'true';
