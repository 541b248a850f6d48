import { TfjsEmError } from '../errors.js';
import { ensureBackend, releaseBackend, useBackend, type BackendName } from '../backend/index.js';
import { CliError } from './errors.js';

/** Selects --backend (or the library's default choice) and returns the name of the backend in use. */
export async function selectBackend(name: string | undefined): Promise<string> {
  try {
    return name === undefined ? await ensureBackend() : await useBackend(name as BackendName);
  } catch (error) {
    if (error instanceof TfjsEmError) throw new CliError('--backend', error.message.split('\n')[0]);
    throw error;
  }
}

/** Lets the process exit (a WebGPU device would keep it alive). */
export function closeBackend(): Promise<void> {
  return releaseBackend();
}
