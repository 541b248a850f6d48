/**
 * The scoring page: model, features, optional UBM and optional genuine/impostor labels from
 * file inputs or drops, scored on the chosen backend; a histogram, a 2-D scatter, a DET curve
 * with its EER (with labels) and a MAP-adapt-and-download button.
 * Files are read and scored in a worker (engine.ts), one piece of work at a time, with its
 * progress and a cancel button; any failure is shown on the page in words.
 */
import { GMMMachine, TfjsEmError } from '../../src/index.js';
import { CancelledError, Engine } from './engine.js';
import { InputError, messageOf } from './messages.js';
import { detPlot, histogram, scatter } from './plots.js';
import type { Det, FeaturesSummary, LabelsSummary, Machines, Progress, Scores, Upload } from './protocol.js';

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
  /** The line of the file last refused in each slot, shown until the slot changes: "name: not loaded". */
  refused: { model: null, ubm: null, features: null, labels: null } as Record<Slot, string | null>,
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
  if (pending === 0) showProgress(null);
  enableControls();
}

/** While work runs every control waits but cancel; a clear button needs its file, MAP adaptation valid settings. */
function enableControls(): void {
  const busy = pending > 0;
  for (const id of ['model', 'features', 'ubm', 'labels', 'backend', 'relevance', 'steps']) ($(id) as HTMLInputElement).disabled = busy;
  for (const slot of SLOTS) ($(`clear-${slot}`) as HTMLButtonElement).disabled = busy || !slotTaken(slot);
  ($('adapt') as HTMLButtonElement).disabled = busy || adaptSettings().problem !== null;
  ($('download-scores') as HTMLButtonElement).disabled = busy || !state.scored;
  ($('cancel') as HTMLButtonElement).disabled = !busy;
}

function showProgress(p: Progress | null): void {
  const bar = $('progress') as HTMLProgressElement;
  bar.hidden = p === null || p.total === 0;
  if (p === null) return;
  bar.max = p.total;
  bar.value = p.done;
  $('busy').textContent = p.phase === 'scoring' ? `scoring ${p.done} of ${p.total} samples…` : `${p.phase}…`;
}

function slotTaken(slot: Slot): boolean {
  if (state.refused[slot] !== null) return true;
  return slot === 'features' || slot === 'labels' ? state[slot] !== null : state.files[slot] !== null;
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

async function switchBackend(name: string): Promise<void> {
  try {
    const chosen = await engine.call('backend', { name }, showProgress);
    $('backend-info').textContent = chosen.why === null ? chosen.info : `${chosen.info} — ${chosen.why}`;
    $('backend-info').dataset.backend = chosen.name;
  } catch (error) {
    $('backend-info').textContent = `${name} did not start`;
    throw error;
  }
}

// ---- inputs ----

async function take(slot: Slot, file: File): Promise<void> {
  state.refused[slot] = null;
  label(slot).textContent = `${file.name} (reading…)`;
  label(slot).classList.remove('loaded');
  try {
    if (slot === 'features') {
      state.features = null;
      state.features = await engine.call('features', { file }, showProgress);
    } else if (slot === 'labels') {
      state.labels = null;
      state.labels = await engine.call('labels', { file }, showProgress);
    } else {
      state.files[slot] = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
      try {
        state.machines = await engine.call('machines', state.files);
      } catch (error) {
        state.files[slot] = null;
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
    if (slot === 'features') state.features = await engine.call('features', { file: null });
    else if (slot === 'labels') state.labels = await engine.call('labels', { file: null });
    else {
      state.files[slot] = null;
      state.machines = await engine.call('machines', state.files);
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

function slotText(slot: Slot): [string, boolean] {
  if (state.refused[slot] !== null) return [state.refused[slot], false];
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
  for (const id of ['average', 'count', 'timing', 'histogram', 'histogram-caption', 'scatter', 'scatter-caption', 'det', 'eer', 'det-caption', 'table-note']) {
    $(id).replaceChildren();
  }
  $('det-figure').hidden = true;
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
  const scored = await engine.call('score', { tableRows: TABLE_ROWS }, showProgress);
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

  $('histogram').replaceChildren(histogram(s.bins, ratio ? 'log-likelihood ratio' : 'log-likelihood'));
  $('histogram-caption').textContent = `Histogram of the per-sample ${what}${s.bins.nonFinite ? `; ${s.bins.nonFinite} not finite, left out` : ''}`;
  const [n, d] = features.shape;
  $('scatter-figure').hidden = features.points === null;
  if (features.points !== null) {
    const models = [{ machine: state.machines.model!, ubm: false }];
    if (state.machines.ubm !== null) models.unshift({ machine: state.machines.ubm, ubm: true });
    $('scatter').replaceChildren(scatter(features.points, models));
    const which = d === 2 ? 'Samples' : `Samples (features 0 and 1 of ${d})`;
    const sampled = features.every > 1 ? `; one sample in ${features.every} is shown (${features.points.shape[0]} of ${n})` : '';
    $('scatter-caption').textContent = `${which}, with each Gaussian's 1- and 2-sigma ellipses (UBM dashed grey)${sampled}`;
  }
  if (s.det !== null && typeof s.det !== 'string') showDet(s.det, what);
  table(s);
  $('results').hidden = false;
  state.scored = true;
}

function showDet(det: Det, what: string): void {
  $('det').replaceChildren(detPlot(det));
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

async function downloadScores(): Promise<void> {
  const csv = await engine.call('scoresCsv', {});
  download(csv, `${state.features!.name.replace(/\.[^.]*$/, '')}-scores.csv`, 'text/csv');
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
  const modelFile = state.files.model;
  if (modelFile === null) throw new InputError('Load a model and features first.');
  const { relevance, steps, problem } = adaptSettings();
  if (problem !== null) throw new InputError(problem);
  const status = $('adapt-status');
  status.textContent = 'adapting…';
  try {
    const adapted = await engine.call('adapt', { relevance, steps }, showProgress);
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

function wire(): void {
  for (const slot of SLOTS) {
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
    $(`clear-${slot}`).addEventListener('click', (e) => {
      e.preventDefault(); // inside the slot's label: not a click on its file input
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
    clearResults();
    void run(async () => {
      await switchBackend(select.value);
      await score();
    });
  });
  $('adapt').addEventListener('click', () => void run(adapt));
  $('download-scores').addEventListener('click', () => void run(downloadScores));
  $('cancel').addEventListener('click', () => engine.cancel());
  for (const id of ['relevance', 'steps']) $(id).addEventListener('input', showAdaptSettings);
  window.addEventListener('unhandledrejection', (e) => showError(e.reason));
  window.addEventListener('error', (e) => showError(e.error ?? e.message));

  // ?backend=wasm picks the backend from the address (a link that keeps the choice).
  const asked = new URLSearchParams(location.search).get('backend');
  if (asked !== null && [...select.options].some((o) => o.value === asked)) select.value = asked;
  void run(async () => {
    await engine.ready;
    await switchBackend(select.value);
  });
}

wire();
document.body.dataset.ready = 'true';
