/** Whether this is Node.js (or a runtime that passes for it): decides how backends are provided. */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** An environment variable in Node; undefined elsewhere or when empty. */
export function envVar(name: string): string | undefined {
  if (!isNode()) return undefined;
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Free memory of the host in bytes (Node 20.16 and later), or null where it cannot be known. */
export function freeHostMemory(): number | null {
  if (!isNode()) return null;
  const os = (process as { getBuiltinModule?: (name: string) => { freemem?: () => number } | undefined }).getBuiltinModule?.('node:os');
  return typeof os?.freemem === 'function' ? os.freemem() : null;
}
