import type { Matrix } from './matrix.js';

/**
 * x, read through a signal: every chunk or row read first checks it, so that a pass over the
 * data stops at the next chunk once the signal is aborted (streamChunks yields to the event
 * loop between chunks, which lets Ctrl-C handlers and timers run on synchronous backends).
 */
export function abortable(x: Matrix, signal: AbortSignal | undefined): Matrix {
  if (signal === undefined) return x;
  return {
    nSamples: x.nSamples,
    nFeatures: x.nFeatures,
    sampleWeight: x.sampleWeight,
    chunk(start, end, shift) {
      signal.throwIfAborted();
      return x.chunk(start, end, shift);
    },
    storedRows:
      x.storedRows &&
      ((start, end, shift) => {
        signal.throwIfAborted();
        return x.storedRows!(start, end, shift);
      }),
    async rows(indices) {
      signal.throwIfAborted();
      return x.rows(indices);
    },
  };
}

const YIELD_EVERY_MS = 50;
let lastYield = 0;

/**
 * A macrotask turn at most every 50 ms: on synchronous backends (cpu, wasm) every await of a
 * pass resolves as a microtask, and signal handlers and timers would wait for the whole fit.
 */
export async function yieldToEvents(): Promise<void> {
  if (performance.now() - lastYield < YIELD_EVERY_MS) return;
  await new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
  lastYield = performance.now();
}
