/**
 * The one module that knows where h5wasm and the host file system come from.
 *
 * All HDF5 work runs in h5wasm's portable ESM build, on its in-memory file system, in Node and
 * in browsers alike. File paths (Node only) are read and written as whole files through
 * node:fs rather than opened by HDF5 ('h5wasm/node'): h5wasm leaks HDF5 objects when a read of
 * a damaged file fails, which leaves that file open (seen for most failed reads in fuzzing).
 * On the in-memory file system that costs a copy of the bytes; on the host it would cost an OS
 * file descriptor. It also spares a second 4 MB wasm instance. Both imports are lazy, so a
 * browser never loads node:fs, and bundlers do not see it.
 */
import { invalidArgument } from '../errors.js';

export type H5Lib = typeof import('h5wasm');
export type H5File = InstanceType<H5Lib['File']>;
export type H5Group = InstanceType<H5Lib['Group']>;
export type HostFs = typeof import('node:fs');

let h5Lib: Promise<H5Lib> | undefined;
let hostFsModule: Promise<HostFs> | undefined;

export function h5(): Promise<H5Lib> {
  h5Lib ??= import('h5wasm').then(async (lib) => {
    const module = await lib.ready;
    // Throw HDF5's error stack as a JS error instead of printing it to stderr.
    module.activate_throwing_error_handler();
    return lib;
  });
  return h5Lib;
}

/** node:fs; a file path is refused outside Node. */
export function hostFs(): Promise<HostFs> {
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') {
    return Promise.reject(invalidArgument('file paths need Node; in a browser pass the file bytes (Uint8Array)'));
  }
  // The specifier is held in a variable so that browser bundlers do not follow it.
  const specifier = 'node:fs';
  hostFsModule ??= import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<HostFs>;
  return hostFsModule;
}
