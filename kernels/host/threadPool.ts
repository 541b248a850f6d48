/**
 * Node worker threads that run a host kernel module (the e-step's, linear algebra's) on a shared wasm memory.
 * tfjs kernels are synchronous, so the caller blocks in Atomics.wait (allowed
 * on Node's main thread) while the workers run; it does one share itself.
 *
 * Control words (Int32 in a SharedArrayBuffer): generation, jobs pending,
 * error flag, jobs in this generation, then ARGS words per worker.
 */
const GENERATION = 0;
const PENDING = 1;
const ERROR = 2;
const JOBS = 3;
const HEADER = 4;
/** Per job: the function (its index in the pool's exports), then its arguments (12 at most). */
const ARGS = 13;

// Plain JavaScript evaluated in each worker (through getBuiltinModule, not require: the
// browser build scans its output text for Node built-ins).
const WORKER_SOURCE = `
const { workerData } = process.getBuiltinModule('worker_threads');
const { module, memory, control, slot, names } = workerData;
const c = new Int32Array(control);
const { exports } = new WebAssembly.Instance(module, { env: { memory, log: Math.log } });
const kernels = names.map((name) => exports[name]);
let generation = 0;
for (;;) {
  Atomics.wait(c, ${GENERATION}, generation);
  generation = Atomics.load(c, ${GENERATION});
  if (slot >= c[${JOBS}]) continue;
  try {
    const job = c.subarray(${HEADER} + ${ARGS} * slot, ${HEADER} + ${ARGS} * (slot + 1));
    kernels[job[0]](...job.subarray(1));
  } catch {
    Atomics.store(c, ${ERROR}, 1);
  }
  if (Atomics.sub(c, ${PENDING}, 1) === 1) Atomics.notify(c, ${PENDING});
}`;

interface WorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => { unref(): void };
}

export class ThreadPool {
  private readonly control: Int32Array;

  /** size workers running the module's exports `names` (jobs name them by index); null where worker threads are unavailable (browsers, Node < 20.16). */
  static create(module: WebAssembly.Module, memory: WebAssembly.Memory, size: number, names: readonly string[]): ThreadPool | null {
    const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
    if (size < 1 || typeof getBuiltin !== 'function') return null;
    return new ThreadPool(getBuiltin('node:worker_threads') as WorkerThreads, module, memory, size, names);
  }

  private constructor(threads: WorkerThreads, module: WebAssembly.Module, memory: WebAssembly.Memory, readonly size: number, names: readonly string[]) {
    this.control = new Int32Array(new SharedArrayBuffer(4 * (HEADER + ARGS * size)));
    for (let slot = 0; slot < size; slot++) {
      const worker = new threads.Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, control: this.control.buffer, slot, names },
      });
      // Idle workers wait on the control words and must not keep the process alive.
      worker.unref();
    }
  }

  /** Runs job i ([function, ...arguments]) on worker i while own() runs here; returns when all are done. */
  run(jobs: number[][], own: () => void): void {
    const c = this.control;
    jobs.forEach((args, i) => c.set(args, HEADER + ARGS * i));
    c[JOBS] = jobs.length;
    c[ERROR] = 0;
    Atomics.store(c, PENDING, jobs.length);
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    try {
      own();
    } finally {
      for (let left = Atomics.load(c, PENDING); left !== 0; left = Atomics.load(c, PENDING)) Atomics.wait(c, PENDING, left);
    }
    if (c[ERROR] !== 0) throw new Error('tfjs-em: a host kernel failed in a worker thread');
  }
}
