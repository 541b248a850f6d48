// Node only: what adapter Dawn would give, asked in a child process.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The adapter facts that decide whether 'auto' takes webgpu. */
export interface ProbedAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

const PROBE = `
const { create } = await import(process.argv[1]);
const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
const i = adapter?.info;
process.stdout.write(JSON.stringify(i && { vendor: i.vendor, architecture: i.architecture, device: i.device,
  description: i.description, isFallbackAdapter: i.isFallbackAdapter === true || adapter.isFallbackAdapter === true }));
process.exit(0);`;

/**
 * Dawn's adapter, or null where the npm webgpu package or a driver is missing.
 * A child process asks, so that Dawn's native warnings (printed straight to
 * stderr, e.g. on lavapipe's limits) reach the user only when webgpu is chosen,
 * and no Dawn instance lingers here when it is not.
 */
export function probeDawnAdapter(timeoutMs = 20000): Promise<ProbedAdapter | null> {
  let entry: string;
  try {
    entry = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  } catch {
    return Promise.resolve(null);
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', PROBE, entry],
      { timeout: timeoutMs, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' } },
      (error, stdout) => {
        if (error !== null) return resolve(null);
        try {
          resolve((JSON.parse(stdout) as ProbedAdapter | null) ?? null);
        } catch {
          resolve(null);
        }
      },
    );
  });
}
