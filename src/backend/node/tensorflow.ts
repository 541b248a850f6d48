// Node only: the native TensorFlow backend, an optional peer dependency. Loaded by dynamic import (see nodeOnly.ts).

/** The packages that register tf.js's 'tensorflow' backend, GPU build first. */
const PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/**
 * Imports the first of @tensorflow/tfjs-node-gpu and @tensorflow/tfjs-node that
 * is installed, which registers the 'tensorflow' backend. Returns the package
 * loaded, or null when neither is installed; other load errors are thrown.
 */
export async function importTfjsNode(gpuOnly: boolean): Promise<string | null> {
  for (const name of gpuOnly ? PACKAGES.slice(0, 1) : PACKAGES) {
    try {
      // A variable specifier: the packages are optional and may be absent at type-check time.
      const specifier: string = name;
      await import(specifier);
      return name;
    } catch (error) {
      if (!isNotFound(error, name)) throw error;
    }
  }
  return null;
}

function isNotFound(error: unknown, name: string): boolean {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(message)) && message.includes(name);
}
