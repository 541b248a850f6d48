/**
 * 'auto' on the page: each browser backend scores the same small problem and the fastest wins.
 * Adapter names cannot be trusted here (Chromium may hide them, and a software WebGPU adapter
 * such as SwiftShader can be 20-50x slower than wasm), so the choice is measured.
 */
import { GMMMachine, getBackendInfo, useBackend, type BackendName } from '../../src/index.js';

const CANDIDATES = ['webgpu', 'webgl', 'wasm'] as const;
/** The probe: N samples of D features against K Gaussians (a few ms of work on a fast backend). */
const [N, D, K] = [4096, 16, 32];
/** A backend slower than this to start and probe is out (a driver that hangs, a shader compiler that crawls). */
const PROBE_LIMIT_MS = 15_000;

export interface ProbeResult {
  backend: string;
  /** Milliseconds for the timed run, or why the backend was out. */
  ms: number | string;
}

/** Tries each candidate; leaves the fastest set and returns it with every result. */
export async function chooseByProbe(onProbe: (done: number, total: number) => void): Promise<{ chosen: string; results: ProbeResult[] }> {
  const results: ProbeResult[] = [];
  for (const [i, backend] of CANDIDATES.entries()) {
    onProbe(i, CANDIDATES.length);
    results.push({ backend, ms: await withLimit(probe(backend)).catch((error: unknown) => reason(error)) });
  }
  const timed = results.filter((r): r is { backend: string; ms: number } => typeof r.ms === 'number');
  const chosen = timed.length === 0 ? 'cpu' : timed.reduce((a, b) => (b.ms < a.ms ? b : a)).backend;
  await useBackend(chosen as BackendName);
  onProbe(CANDIDATES.length, CANDIDATES.length);
  return { chosen, results };
}

/** Why the choice was made, in a line: "fastest on a probe: wasm 12 ms, webgl 40 ms, webgpu 900 ms". */
export function describeProbe(results: ProbeResult[]): string {
  const parts = results.map((r) => (typeof r.ms === 'number' ? `${r.backend} ${r.ms.toFixed(1)} ms` : `${r.backend} ${r.ms}`));
  return `auto: fastest at scoring ${N} × ${D} samples against ${K} Gaussians (${parts.join(', ')})`;
}

async function probe(backend: string): Promise<number> {
  await useBackend(backend as BackendName);
  if (getBackendInfo().name !== backend) throw new Error('did not start');
  const gmm = probeMachine();
  const x = { data: Float64Array.from({ length: N * D }, (_, i) => Math.sin(i * 0.37) * 2), shape: [N, D] as [number, number] };
  try {
    await gmm.logLikelihood(x); // the first run compiles shaders and uploads the machine
    let best = Infinity;
    for (let run = 0; run < 2; run++) {
      const start = performance.now();
      await gmm.logLikelihood(x);
      best = Math.min(best, performance.now() - start);
    }
    return best;
  } finally {
    gmm.dispose();
  }
}

function probeMachine(): GMMMachine {
  const gmm = new GMMMachine(K);
  gmm.means = Float64Array.from({ length: K * D }, (_, i) => Math.cos(i * 0.91));
  gmm.variances = Float64Array.from({ length: K * D }, (_, i) => 1 + (i % 7) / 7);
  return gmm;
}

function withLimit<T>(work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`over ${PROBE_LIMIT_MS / 1000} s`)), PROBE_LIMIT_MS);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /over \d+ s|did not start/.test(message) ? `(${message})` : '(unavailable)';
}
