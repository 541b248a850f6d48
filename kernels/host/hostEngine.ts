import { ThreadPool } from './threadPool.js';
import { BLOCK_ROWS, KERNEL_EXPORTS, K_TILE, scratchBytes } from './layout.js';
import * as binaries from './eStepWasm.generated.js';

/** The module's exports by their index in KERNEL_EXPORTS (the thread pool's jobs name them so). */
export const ESTEP = 0;
export const LOGLIK = 1;
export const FULL_ESTEP = 2;
export const FULL_LOGLIK = 3;
export const TIED_ESTEP = 4;
export const TIED_LOGLIK = 5;
/** ESTEP and LOGLIK on rows as stored, centred by the kernel (see runHostKernel's shift). */
const CENTRING: Record<number, number> = { [ESTEP]: 6, [LOGLIK]: 7 };
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
  /** The rows kept in memory from RESIDENT_AT (see StoredRows), and the end of the bytes set aside for them. */
  resident: { owner: WeakRef<object>; data: Float32Array | Float64Array } | null;
  residentBytes: number;
}

let engine: Engine | null = null;
let requestedThreads: number | null = null;
let relaxedAllowed = true;
/** Counts the changes of threads or relaxed SIMD: other engines on these settings rebuild when it moves. */
let settings = 0;

export const hostSettingsGeneration = () => settings;
let residentLimit: number | null = null;

/**
 * Rows [from, from + rows) of data, as a data set stores them. While owner lives, data does not
 * change, so the engine may keep one such data set in its memory across calls (an EM fit passes
 * over the same rows every iteration) instead of copying each chunk in; null: no such promise.
 * The data are row-major and not to be written to.
 */
export interface StoredRows {
  data: Float32Array | Float64Array;
  from: number;
  owner: object | null;
}

const DEFAULT_RESIDENT_MIB = 256;
/** Where resident rows start: not at 0, which the kernels read as "no rows to centre". */
const RESIDENT_AT = 64;

/**
 * The most bytes of stored rows the host kernels keep in their memory between calls (default
 * 256 MiB; TFJS_EM_RESIDENT_MB in Node; 0: copy every chunk in). The memory, once grown, stays
 * with the process. Takes effect at the next call.
 */
export function setHostResidentBytes(bytes: number | null): void {
  residentLimit = bytes;
  if (engine !== null) engine.resident = null;
}

function residentBudget(): number {
  if (residentLimit !== null) return residentLimit;
  const fromEnv = Number((globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TFJS_EM_RESIDENT_MB);
  return (Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv : DEFAULT_RESIDENT_MIB) * 1024 * 1024;
}

/**
 * The byte address of stored rows' first row in the engine's memory, copying their whole data
 * set in when it is not there yet and fits the budget; null otherwise (the caller copies the rows).
 */
function residentAddress(eng: Engine, rows: StoredRows, d: number): number | null {
  const { data, owner } = rows;
  const bytes = data.byteLength;
  const kept = eng.resident;
  const at = RESIDENT_AT + rows.from * d * data.BYTES_PER_ELEMENT;
  if (kept !== null && owner !== null && kept.owner.deref() === owner && kept.data === data) return at;
  if (owner === null || bytes > residentBudget()) return null;
  eng.resident = null;
  const end = RESIDENT_AT + align16(bytes);
  if (end > eng.memory.buffer.byteLength) eng.memory.grow(Math.ceil((end - eng.memory.buffer.byteLength) / PAGE));
  const view = data instanceof Float64Array ? new Float64Array(eng.memory.buffer, RESIDENT_AT, data.length) : new Float32Array(eng.memory.buffer, RESIDENT_AT, data.length);
  view.set(data);
  eng.residentBytes = Math.max(eng.residentBytes, end);
  eng.resident = { owner: new WeakRef(owner), data };
  return at;
}

/**
 * Threads for the host kernels (default: the machine's cores in Node, one
 * elsewhere; TFJS_EM_THREADS overrides in Node). Takes effect at the next
 * call; existing workers are left idle.
 */
export function setHostThreads(threads: number | null): void {
  requestedThreads = threads;
  engine = null;
  settings++;
}

/**
 * Whether the host kernels may use relaxed SIMD's multiply-add where the engine
 * validates it (default true); false forces the mul-then-add build. Takes effect
 * at the next call.
 */
export function setHostRelaxedSimd(allowed: boolean): void {
  relaxedAllowed = allowed;
  engine = null;
  settings++;
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

/** The threads the host kernels are to use now (setHostThreads, else the default). */
export const wantedThreads = () => Math.max(1, requestedThreads ?? defaultThreads());

/** A host kernel module's binaries: relaxed or plain multiply-add, shared or unshared memory. */
export interface ModuleBinaries {
  plain: string;
  plainShared: string;
  relaxed: string;
  relaxedShared: string;
}

export interface ModuleInstance {
  threads: number;
  fma: boolean;
  memory: WebAssembly.Memory;
  kernels: ((...args: number[]) => number)[];
  pool: ThreadPool | null;
}

/**
 * Instantiates a host kernel module on a new memory with `threads` threads (worker threads on
 * a shared memory where there are more than one and Node has them; else one, unshared).
 */
export function instantiate(binaries: ModuleBinaries, names: readonly string[], threads: number): ModuleInstance {
  const build = (shared: boolean) => {
    // Relaxed SIMD's multiply-add where the engine has it (Node >= 22, Chromium >= 114).
    const relaxed = bytesOf(shared ? binaries.relaxedShared : binaries.relaxed);
    const fma = relaxedAllowed && WebAssembly.validate(relaxed);
    const module = new WebAssembly.Module(fma ? relaxed : bytesOf(shared ? binaries.plainShared : binaries.plain));
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared });
    const { exports } = new WebAssembly.Instance(module, { env: { memory, log: Math.log } });
    return { module, memory, fma, kernels: names.map((name) => exports[name]) as ModuleInstance['kernels'] };
  };
  if (threads > 1) {
    const { module, ...rest } = build(true);
    const pool = ThreadPool.create(module, rest.memory, threads - 1, names);
    if (pool !== null) return { threads, ...rest, pool };
  }
  const { module: _, ...rest } = build(false);
  return { threads: 1, ...rest, pool: null };
}

function getEngine(): Engine {
  if (engine !== null) return engine;
  return (engine = { ...instantiate(binaries, KERNEL_EXPORTS, wantedThreads()), resident: null, residentBytes: 0 });
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
 * A model as a kernel takes it: its float32 values, the kernel's arguments between d and the
 * scratch pointer with the values laid out from byte `at` of the memory (sizes, addresses),
 * kp (Gaussians padded to K_TILE, which sizes the scratch) and the work bytes a thread needs after it.
 */
export interface HostModel {
  values: Float32Array;
  args: (at: number) => number[];
  kp: number;
  workBytes: number;
}

/**
 * Runs a kernel of the module on y [rows, d] (and the rows' weights, when given) and a model,
 * rows split across threads, each writing outBytes(its rows) bytes of zeroed output. With a
 * shift (ESTEP and LOGLIK only), y holds the rows as stored (f32 or f64; StoredRows may stay in
 * memory for the next call) and each thread centres its blocks, y - shift in f64 rounded to f32,
 * as the caller would have.
 */
export function runHostKernel(
  kernel: Kernel, y: Float32Array | Float64Array | StoredRows, rows: number, d: number, model: HostModel, outBytes: (rows: number) => number,
  weights: Float32Array | null = null, shift: Float64Array | null = null,
): HostRun {
  const eng = getEngine();
  const threads = Math.max(1, Math.min(eng.threads, Math.floor(rows / MIN_ROWS_PER_THREAD)));
  const starts = Array.from({ length: threads + 1 }, (_, t) => Math.floor((t * rows) / threads));
  const stored = 'data' in y ? y : { data: y, from: 0, owner: null };
  const centring = shift !== null;
  if (centring && (CENTRING[kernel] === undefined || shift.length !== d)) throw new Error(`host kernel ${kernel} cannot centre ${d} features`);
  const f64 = stored.data instanceof Float64Array;
  if (f64 && !centring) throw new Error('host kernels take f64 rows only to centre them');
  const bytes = f64 ? 8 : 4;
  const resident = centring ? residentAddress(eng, stored, d) : null;

  // Layout (bytes): resident rows | the model | shift | y, unless resident (+4 rows read past the end) | weights |
  // per thread: scratch, work, out.
  const modelPtr = eng.residentBytes;
  const shiftPtr = modelPtr + align16(4 * model.values.length);
  const yPtr = shiftPtr + (centring ? align16(8 * d) : 0);
  const wPtr = yPtr + (resident === null ? align16(bytes * (rows + 4) * d) : 0);
  const work = model.workBytes + (centring ? 4 * BLOCK_ROWS * d : 0);
  const scratch = scratchBytes(model.kp) + align16(work);
  const perThread = scratch + align16(outBytes(starts[1] + 1));
  const first = wPtr + (weights === null ? 0 : align16(4 * rows));
  const pages = Math.ceil((first + threads * perThread) / PAGE) - eng.memory.buffer.byteLength / PAGE;
  if (pages > 0) eng.memory.grow(pages);

  const heap = new Float32Array(eng.memory.buffer);
  heap.set(model.values, modelPtr / 4);
  if (centring) new Float64Array(eng.memory.buffer, shiftPtr, d).set(shift);
  if (resident === null) {
    const rowsIn = f64 ? new Float64Array(eng.memory.buffer, yPtr, (rows + 4) * d) : heap.subarray(yPtr / 4, yPtr / 4 + (rows + 4) * d);
    rowsIn.set(stored.data.subarray(stored.from * d, (stored.from + rows) * d));
    rowsIn.fill(0, rows * d);
  }
  if (weights !== null) heap.set(weights.subarray(0, rows), wPtr / 4);
  const rowsPtr = resident ?? yPtr;
  const args = model.args(modelPtr);
  const jobs: number[][] = [];
  const outs: number[] = [];
  for (let t = 0; t < threads; t++) {
    const at = first + t * perThread;
    const out = at + scratch;
    heap.fill(0, out / 4, (at + perThread) / 4);
    const w = weights === null ? 0 : wPtr + 4 * starts[t];
    const common = [rowsPtr + bytes * starts[t] * d, starts[t + 1] - starts[t], d, ...args, at, out, w];
    jobs.push(centring ? [CENTRING[kernel], ...common, shiftPtr, f64 ? 1 : 0] : [kernel, ...common]);
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
