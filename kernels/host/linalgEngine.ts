/**
 * The float64 linear algebra kernels of linalg.wat on their own memory, split across the host
 * kernels' threads (setHostThreads): the panel product, batches of Cholesky solves, and the
 * i-vector posteriors. Callers lay out one operation's memory with `workspace` and address it
 * in bytes; arrays passed as `kept` stay in memory across operations while they are the same
 * objects (the caller promises not to change them), so a model's large matrices are copied in once.
 */
import * as binaries from './eStepWasm.generated.js';
import { hostSettingsGeneration, instantiate, wantedThreads, type ModuleInstance } from './hostEngine.js';

const NAMES = ['pgemm', 'spd_solve', 'posteriors'] as const;
const [PGEMM, SPD_SOLVE, POSTERIORS] = [0, 1, 2];
const PAGE = 65536;
/** The most bytes of memory an engine may lay out: wasm32's 4 GiB less headroom. */
export const MAX_BYTES = 3.5 * 2 ** 30;
/** Fewer multiply-adds than this are not worth waking a worker for. */
const MIN_WORK_PER_THREAD = 1 << 20;

interface Engine extends ModuleInstance {
  generation: number;
  /** The kept arrays now in memory from byte 0, in order. */
  kept: WeakRef<Float64Array>[];
}

const BINARIES = { plain: binaries.linalgPlain, plainShared: binaries.linalgPlainShared, relaxed: binaries.linalgRelaxed, relaxedShared: binaries.linalgRelaxedShared };

let engine: Engine | null = null;

function getEngine(): Engine {
  const generation = hostSettingsGeneration();
  if (engine !== null && engine.generation === generation) return engine;
  return (engine = { ...instantiate(BINARIES, NAMES, wantedThreads()), generation, kept: [] });
}

const align64 = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** One operation's memory: the kept arrays' and the areas' byte addresses, and views of the whole memory. */
export interface Workspace {
  kept: number[];
  areas: number[];
  f64: Float64Array;
  i32: Int32Array;
}

/**
 * Lays out kept arrays (copied in unless the same objects are there already) and zeroed areas
 * of the given byte sizes; null where the memory cannot hold them (over MAX_BYTES, or the
 * engine refuses to grow), the caller then computing elsewhere.
 */
export function workspace(kept: Float64Array[], areas: number[]): Workspace | null {
  const eng = getEngine();
  const keptAt: number[] = [];
  let end = 0;
  for (const a of kept) {
    keptAt.push(end);
    end += align64(a.byteLength);
  }
  const areaAt = areas.map((bytes) => {
    const at = end;
    end += align64(bytes);
    return at;
  });
  if (end > MAX_BYTES) return null;
  const pages = Math.ceil(end / PAGE) - eng.memory.buffer.byteLength / PAGE;
  try {
    if (pages > 0) eng.memory.grow(pages);
  } catch {
    return null;
  }
  const f64 = new Float64Array(eng.memory.buffer);
  const same = eng.kept.length === kept.length && kept.every((a, i) => eng.kept[i].deref() === a);
  if (!same) {
    kept.forEach((a, i) => f64.set(a, keptAt[i] / 8));
    eng.kept = kept.map((a) => new WeakRef(a));
  }
  areaAt.forEach((at, i) => f64.fill(0, at / 8, (at + align64(areas[i])) / 8));
  return { kept: keptAt, areas: areaAt, f64, i32: new Int32Array(eng.memory.buffer) };
}

/** The engine's threads: thread t of `threads` takes items [starts[t], starts[t + 1]) of `items`. */
function split(items: number, workPerItem: number): number[] {
  const threads = Math.max(1, Math.min(getEngine().threads, items, Math.floor((items * workPerItem) / MIN_WORK_PER_THREAD)));
  return Array.from({ length: threads + 1 }, (_, t) => Math.floor((t * items) / threads));
}

/** Runs one job per thread ([function, ...arguments]), the first on this thread. */
function run(jobs: number[][]): void {
  const eng = getEngine();
  const call = ([fn, ...args]: number[]) => eng.kernels[fn](...args);
  const [own, ...rest] = jobs;
  if (eng.pool !== null && rest.length > 0) eng.pool.run(rest, () => call(own));
  else call(own);
}

/** Values of a panel matrix [rows, cols]: ceil(cols / 4) panels of [rows, 4]. */
export const panelValues = (rows: number, cols: number) => Math.ceil(cols / 4) * rows * 4;

/** Index of element (i, j) of a panel matrix with `rows` rows. */
export const panelIndex = (rows: number, i: number, j: number) => ((j >> 2) * rows + i) * 4 + (j & 3);

/** Where the upper triangle packed by rows ((a, b), a <= b, in row-major order) puts each value of an [r, r] matrix. */
export function upperOffsets(r: number): Int32Array {
  const out = new Int32Array((r * (r + 1)) / 2);
  for (let a = 0, e = 0; a < r; a++) for (let b = a; b < r; b++, e++) out[e] = a * r + b;
  return out;
}

/**
 * out[i * stride + offsets[j]] += m_ij for a panel matrix m [rows, cols], a block of panels at a
 * time (each row's few values of a block in turn), so that reads and writes both stay near.
 */
export function addFromPanels(out: Float64Array, m: Float64Array, rows: number, cols: number, offsets: Int32Array, stride: number): void {
  const BLOCK = 16;
  const panels = Math.ceil(cols / 4);
  for (let q0 = 0; q0 < panels; q0 += BLOCK) {
    const q1 = Math.min(panels, q0 + BLOCK);
    for (let i = 0; i < rows; i++) {
      const base = i * stride;
      for (let q = q0; q < q1; q++) {
        const from = (q * rows + i) * 4;
        for (let e = 0, j = 4 * q; e < 4 && j < cols; e++, j++) out[base + offsets[j]] += m[from + e];
      }
    }
  }
}

/** out += A B, A [rows, k] at byte a (row stride lda values), B [k, cols] and out [rows, cols] panel matrices at bytes b and out. */
export function pgemm(a: number, lda: number, rows: number, k: number, b: number, out: number, cols: number): void {
  const panels = Math.ceil(cols / 4);
  const starts = split(panels, 4 * rows * k);
  run(starts.slice(0, -1).map((q0, t) => [PGEMM, a, lda, rows, k, b, out, q0, starts[t + 1]]));
}

/**
 * x_i := a_i^-1 x_i for count systems from byte a ([n, n] each, destroyed) and x ([n, m] each),
 * status [count] i32 from byte status: 0, or j + 1 where a_i's pivot j is not positive (x_i untouched).
 */
export function spdSolve(a: number, n: number, x: number, m: number, count: number, status: number): void {
  const starts = split(count, (n * n * (n / 3 + 2 * m)) / 2);
  run(starts.slice(0, -1).map((s0, t) => {
    const s = starts[t + 1] - s0;
    return [SPD_SOLVE, a + 8 * n * n * s0, n, x + 8 * n * m * s0, m, s, status + 4 * s0];
  }));
}

/** Work bytes posteriors needs per thread. */
export const posteriorWorkBytes = (n: number) => align64(8 * (2 * n * n + n));

/**
 * The i-vector posteriors of a batch of h (see linalg.wat): from aP and bP, w into wP and, with
 * mP != 0, E[w w^T] into mP; work: the engine's threads times posteriorWorkBytes(n) bytes;
 * status [h] i32 (0: done).
 */
export function posteriors(aP: number, bP: number, h: number, n: number, wP: number, mP: number, work: number, status: number): void {
  const starts = split(h, n * n * n);
  run(starts.slice(0, -1).map((u0, t) => [POSTERIORS, aP, bP, h, n, u0, starts[t + 1], wP, mP, work + t * posteriorWorkBytes(n), status]));
}

/** The threads an operation may use (the work areas to lay out for posteriors). */
export const linalgThreads = () => getEngine().threads;

/**
 * x_i := a_i^-1 x_i for count symmetric positive definite systems, a [count, n, n] and x
 * [count, n, m] row-major (x overwritten); the status of each as spdSolve's, or null where the
 * kernels' memory cannot hold them (x then untouched).
 */
export function solveSpdMany(a: Float64Array, x: Float64Array, n: number, m: number, count: number): Int32Array | null {
  const space = workspace([], [8 * n * n * count, 8 * n * m * count, 4 * count]);
  if (space === null) return null;
  const [aAt, xAt, statusAt] = space.areas;
  space.f64.set(a.subarray(0, n * n * count), aAt / 8);
  space.f64.set(x.subarray(0, n * m * count), xAt / 8);
  spdSolve(aAt, n, xAt, m, count, statusAt);
  x.set(space.f64.subarray(xAt / 8, xAt / 8 + n * m * count));
  return space.i32.slice(statusAt / 4, statusAt / 4 + count);
}
