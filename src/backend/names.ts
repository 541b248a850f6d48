import { invalidArgument } from '../errors.js';

/** What a user may ask for: a tf.js backend, or 'auto' for the fastest one available. */
export type BackendName = 'cpu' | 'wasm' | 'webgpu' | 'webgl' | 'tensorflow' | 'auto';

/** A backend that runs: every name but 'auto'. */
export type ConcreteBackend = Exclude<BackendName, 'auto'>;

export const BACKEND_NAMES: readonly BackendName[] = ['cpu', 'wasm', 'webgpu', 'webgl', 'tensorflow', 'auto'];

/** Checks a name given as text (an option or TFJS_EM_BACKEND), naming its source when it is wrong. */
export function parseBackendName(value: string, source: string): BackendName {
  const name = value.trim().toLowerCase();
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw invalidArgument(`${source} must be one of ${BACKEND_NAMES.join(', ')}; got '${value}'`);
  }
  return name as BackendName;
}
