/**
 * The one module that knows where h5wasm and the host file system come from.
 *
 * All HDF5 work runs in h5wasm's portable ESM build, on its in-memory file system, in Node and
 * in browsers alike. File paths (Node only) are read and written as whole files through
 * node:fs. We do not let HDF5 open host files ('h5wasm/node'): h5wasm leaks HDF5 objects when a
 * read fails, which keeps that file open inside HDF5; a later open of the same inode (the file
 * fixed in place) would then reuse the stale, damaged metadata. A fresh in-memory file per
 * read never aliases, and a second 4 MB wasm instance is not loaded just for file access.
 * Both imports are lazy, so a browser never loads node:fs (bundlers: mark it external).
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

/** The h5wasm whose objects withReadFile hands out, for paths as for bytes (the name src/io/data uses). */
export const h5ForPaths = h5;

/** node:fs; a file path is refused outside Node. */
export function hostFs(): Promise<HostFs> {
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') {
    return Promise.reject(invalidArgument('file paths need Node; in a browser pass the file bytes (Uint8Array)'));
  }
  hostFsModule ??= import('node:fs');
  return hostFsModule;
}
