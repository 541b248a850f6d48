// The memory run: each cell in a child process (bench/memory.mjs), at N / 10 and at N, so
// that a peak that grows with N shows.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'memory.mjs');
export async function memoryRun(o, log) {
  const out = [];
  for (const [backend, mode] of o.memoryCells) {
    for (const n of [Math.round(o.memoryN / 10), o.memoryN]) {
      log(`memory run: ${backend} ${mode}, N = ${n}`);
      const args = [SCRIPT, '--backend', backend, '--mode', mode, '--n', String(n), '--k', '64', '--iters', '3', '--d', String(o.d)];
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      const line = r.stdout.trim().split('\n').pop();
      if (r.status === 0 && line) out.push(JSON.parse(line));
      else out.push({ backend, mode, n, error: `exit ${r.status}` });
    }
  }
  return out;
}

export function memoryTable(results) {
  const head = '| backend | e-step | N | iteration | ms | RSS MiB | peak RSS MiB | tf tensors | tf MiB |';
  const rule = '|---|---|---:|---:|---:|---:|---:|---:|---:|';
  const lines = results.flatMap((r) =>
    r.error
      ? [`| ${r.backend} | ${r.mode} | ${r.n} | – | ${r.error} | | | | |`]
      : r.steps.map((s) => `| ${r.backend} | ${r.mode} | ${r.n} | ${s.iteration} | ${s.ms} | ${s.rssMiB} | ${s.peakRssMiB} | ${s.tfNumTensors} | ${s.tfMiB} |`),
  );
  return [head, rule, ...lines].join('\n');
}
