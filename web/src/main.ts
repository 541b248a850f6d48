/**
 * The scoring page: model, features and optional UBM from file inputs or drops, scored on
 * the chosen backend; a histogram, a 2-D scatter and a MAP-adapt-and-download button.
 * One piece of work runs at a time; any failure is shown on the page in words.
 */
import { GMMMachine, getBackendInfo, useBackend, type BackendName } from '../../src/index.js';
import { installWebGPUFallback } from './webgpuFallback.js';
import { InputError, messageOf, readFeatures, readModel, type Features } from './inputs.js';
import { histogram, scatter } from './plots.js';

/** Rows of the per-sample table; the histogram still counts every sample. */
const TABLE_ROWS = 1000;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

interface Upload {
  name: string;
  bytes: Uint8Array;
}

const state = {
  modelFile: null as Upload | null,
  ubmFile: null as Upload | null,
  features: null as Features | null,
  model: null as GMMMachine | null,
  ubm: null as GMMMachine | null,
};

let queue = Promise.resolve();
let pending = 0;

/** Runs work after the work before it, showing its error (if any) on the page. */
function run(work: () => Promise<void>): Promise<void> {
  setPending(+1);
  queue = queue.then(async () => {
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
}

function showError(error: unknown): void {
  const box = $('error');
  box.textContent = messageOf(error);
  box.hidden = false;
  if (!(error instanceof InputError)) console.error(error);
}

function clearError(): void {
  $('error').hidden = true;
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
  if (state.ubmFile) state.ubm = await readModel(state.ubmFile.name, state.ubmFile.bytes, null);
  if (state.modelFile) state.model = await readModel(state.modelFile.name, state.modelFile.bytes, state.ubm);
}

async function take(slot: 'model' | 'ubm' | 'features', file: File): Promise<void> {
  const label = document.querySelector<HTMLElement>(`.file[data-for="${slot}"]`)!;
  label.textContent = `${file.name} (reading…)`;
  label.classList.remove('loaded');
  try {
    if (slot === 'features') {
      state.features = null;
      state.features = await readFeatures(file);
      const [n, d] = state.features.data.shape;
      label.textContent = `${file.name}: ${n} samples × ${d} features`;
    } else {
      state[slot === 'model' ? 'modelFile' : 'ubmFile'] = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
      try {
        await loadMachines();
      } catch (error) {
        state[slot === 'model' ? 'modelFile' : 'ubmFile'] = null;
        await loadMachines().catch(() => undefined);
        throw error;
      }
      const m = slot === 'model' ? state.model : state.ubm;
      label.textContent = m ? `${file.name}: ${m.nGaussians} Gaussians × ${m.nFeatures} features` : file.name;
    }
    label.classList.add('loaded');
  } catch (error) {
    label.textContent = `${file.name}: not loaded`;
    throw error;
  }
}

// ---- scoring ----

async function score(): Promise<void> {
  const { model, ubm, features } = state;
  $('results').hidden = model === null || features === null;
  $('hint').hidden = !$('results').hidden;
  if (model === null || features === null) return;
  const d = features.data.shape[1];
  for (const [m, file] of [[model, state.modelFile], [ubm, state.ubmFile]] as const) {
    if (m !== null && m.nFeatures !== d) {
      $('results').hidden = true;
      throw new InputError(`${features.name} has ${d} features per sample, but ${file!.name} models ${m.nFeatures}.`);
    }
  }
  const start = performance.now();
  const scored = (m: GMMMachine) =>
    m.logLikelihood(features.data).catch((error: unknown) => {
      $('results').hidden = true;
      throw new InputError(`${features.name}: ${messageOf(error)}`);
    });
  const ll = await scored(model);
  const llUbm = ubm === null ? null : await scored(ubm);
  const ms = performance.now() - start;
  const scores = llUbm === null ? ll : ll.map((v, i) => v - llUbm[i]);
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

async function adapt(): Promise<void> {
  const { model, features, modelFile } = state;
  if (model === null || features === null || modelFile === null) throw new InputError('Load a model and features first.');
  const relevance = Number(($('relevance') as HTMLInputElement).value);
  const steps = Number(($('steps') as HTMLInputElement).value);
  if (!(relevance >= 0)) throw new InputError('The relevance factor must be a number ≥ 0.');
  if (!Number.isInteger(steps) || steps < 1) throw new InputError('EM steps must be a whole number ≥ 1.');
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
    status.textContent = 'failed';
    throw error;
  } finally {
    adapted.dispose();
  }
}

function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/x-hdf5' }));
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
      void run(async () => {
        clearError();
        try {
          await take(slot, file);
        } finally {
          await score(); // also hides the results of inputs that are gone
        }
      });
    };
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
    void run(async () => {
      clearError();
      await switchBackend(select.value as BackendName);
      await score();
    });
  });
  $('adapt').addEventListener('click', () => void run(adapt));
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
