import * as tf from '@tensorflow/tfjs-core';

/**
 * The tf.js backend that is set and initialised, or null. Unlike
 * tf.getBackend() it starts nothing, and it is null while an initialisation is
 * pending or after one failed (tf.js then still names the failed backend).
 */
export function activeBackend(): string | null {
  const engine = tf.engine();
  const name = engine.backendName;
  return name != null && engine.registry[name] != null ? name : null;
}

/** The instance of the active backend, typed as the fields the caller reads. */
export function activeInstance<T>(): Partial<T> | null {
  const name = activeBackend();
  return name === null ? null : (tf.engine().registry[name] as unknown as Partial<T>);
}
