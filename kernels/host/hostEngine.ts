import { ThreadPool } from './threadPool.js';
import { KERNEL_EXPORTS, K_TILE, scratchBytes } from './layout.js';
import * as binaries from './eStepWasm.generated.js';

/** The module's exports by their index in KERNEL_EXPORTS (the thread pool's jobs name them so). */
export const ESTEP = 0;
export const LOGLIK = 1;
export const FULL_ESTEP = 2;
export const FULL_LOGLIK = 3;
export const TIED_ESTEP = 4;
export const TIED_LOGLIK = 5;
type Kernel = number;

/** Fewer rows than this per thread are not worth waking a worker for. */
const MIN_ROWS_PER_THREAD = 256;
const PAGE = 65536;

interface Engine {
  threads: number;
  fma: boolean;
  memory: WebAssembly.Memory;
  kernels: ((...args: number[]) => void)[];
  pool: ThreadPool | null;
}

let engine: Engine | null = null;
let requestedThreads: number | null = null;
let relaxedAllowed = true;

/**
 * Threads for the host kernels (default: the machine's cores in Node, one
 * elsewhere; TFJS_EM_THREADS overrides in Node). Takes effect at the next
 * call; existing workers are left idle.
 */
export function setHostThreads(threads: number | null): void {
  requestedThreads = threads;
  engine = null;
}

/**
 * Whether the host kernels may use relaxed SIMD's multiply-add where the engine
 * validates it (default true); false forces the mul-then-add build. Takes effect
 * at the next call.
 */
export function setHostRelaxedSimd(allowed: boolean): void {
  relaxedAllowed = allowed;
  engine = null;
}

/** Threads the host kernels use and whether they run relaxed SIMD's multiply-add (starting them if needed). */
export function hostKernelInfo(): { threads: number; fma: boolean } {
  const { threads, fma } = getEngine();
  return { threads, fma };
}

function defaultThreads(): number {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown } }).process;
  const fromEnv = Number(proc?.env?.TFJS_EM_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism(): number } | undefined;
  return os ? os.availableParallelism() : 1;
}

function getEngine(): Engine {
  if (engine !== null) return engine;
  const wanted = Math.max(1, requestedThreads ?? defaultThreads());
  const build = (shared: boolean) => {
    // Relaxed SIMD's multiply-add where the engine has it (Node >= 22, Chromium >= 114).
    const relaxed = bytesOf(shared ? binaries.relaxedShared : binaries.relaxed);
    const fma = relaxedAllowed && WebAssembly.validate(relaxed);
    const module = new WebAssembly.Module(fma ? relaxed : bytesOf(shared ? binaries.plainShared : binaries.plain));
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared });
    const { exports } = new WebAssembly.Instance(module, { env: { memory, log: Math.log } });
    return { module, memory, fma, kernels: KERNEL_EXPORTS.map((name) => exports[name]) as Engine['kernels'] };
  };
  if (wanted > 1) {
    const { module, ...rest } = build(true);
    const pool = ThreadPool.create(module, rest.memory, wanted - 1);
    if (pool !== null) return (engine = { threads: wanted, ...rest, pool });
  }
  const { module: _, ...rest } = build(false);
  return (engine = { threads: 1, ...rest, pool: null });
}

const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Where a run's threads left their outputs: rows [starts[t], starts[t + 1]) wrote outs[t]. */
export interface HostRun {
  buffer: ArrayBufferLike;
  outs: number[];
  starts: number[];
}

/**
 * A model as a kernel takes it: its float32 values laid out from byte 0 of the memory, the
 * kernel's arguments between d and the scratch pointer (byte offsets into those values, sizes),
 * kp (Gaussians padded to K_TILE, which sizes the scratch) and the work bytes a thread needs after it.
 */
export interface HostModel {
  values: Float32Array;
  args: number[];
  kp: number;
  workBytes: number;
}

/**
 * Runs a kernel of the module on y [rows, d] (and the rows' weights, when given) and a model,
 * rows split across threads, each writing outBytes(its rows) bytes of zeroed output.
 */
export function runHostKernel(
  kernel: Kernel, y: Float32Array, rows: number, d: number, model: HostModel, outBytes: (rows: number) => number,
  weights: Float32Array | null = null,
): HostRun {
  const eng = getEngine();
  const threads = Math.max(1, Math.min(eng.threads, Math.floor(rows / MIN_ROWS_PER_THREAD)));
  const starts = Array.from({ length: threads + 1 }, (_, t) => Math.floor((t * rows) / threads));

  // Layout (bytes): the model | y (+4 rows read past the end) | weights | per thread: scratch, work, out.
  const yPtr = align16(4 * model.values.length);
  const wPtr = yPtr + align16(4 * (rows + 4) * d);
  const scratch = scratchBytes(model.kp) + align16(model.workBytes);
  const perThread = scratch + align16(outBytes(starts[1] + 1));
  const first = wPtr + (weights === null ? 0 : align16(4 * rows));
  const pages = Math.ceil((first + threads * perThread) / PAGE) - eng.memory.buffer.byteLength / PAGE;
  if (pages > 0) eng.memory.grow(pages);

  const heap = new Float32Array(eng.memory.buffer);
  heap.set(model.values, 0);
  heap.set(y.subarray(0, rows * d), yPtr / 4);
  heap.fill(0, yPtr / 4 + rows * d, yPtr / 4 + (rows + 4) * d);
  if (weights !== null) heap.set(weights.subarray(0, rows), wPtr / 4);
  const jobs: number[][] = [];
  const outs: number[] = [];
  for (let t = 0; t < threads; t++) {
    const at = first + t * perThread;
    const out = at + scratch;
    heap.fill(0, out / 4, (at + perThread) / 4);
    const w = weights === null ? 0 : wPtr + 4 * starts[t];
    jobs.push([kernel, yPtr + 4 * starts[t] * d, starts[t + 1] - starts[t], d, ...model.args, at, out, w]);
    outs.push(out);
  }
  const run = ([fn, ...args]: number[]) => eng.kernels[fn](...args);
  const [own, ...rest] = jobs;
  if (eng.pool !== null && rest.length > 0) eng.pool.run(rest, () => run(own));
  else run(own);
  return { buffer: eng.memory.buffer, outs, starts };
}

/** Gaussians padded to whole K_TILE tiles. */
export const paddedGaussians = (k: number) => Math.ceil(k / K_TILE) * K_TILE;
