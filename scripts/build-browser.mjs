// Browser build of tfjs-em.
//
//   dist/browser/tfjs-em.js   the library (src/index.ts) as one ES module. @tensorflow/* and
//                             h5wasm stay external: the library accepts tf.Tensor inputs, so it
//                             must share the application's single tfjs-core (a bundled copy
//                             would be a second engine whose tensors fail `instanceof`), and
//                             h5wasm is 4 MB that only file I/O needs.
//   dist/browser/vendor/      those externals as browser ES modules (one shared tfjs-core
//                             chunk, wasm binaries beside the wasm backend), for pages
//                             without a bundler; importmap.json maps the bare names to them.
//
// Node-only modules must never reach a browser: a static import of a Node built-in fails the
// build; the Node-only packages the library loads lazily on Node (NODE_ONLY) become stubs
// that reject when imported.
//
//   node scripts/build-browser.mjs [--outdir dist/browser] [--no-vendor]
import { builtinModules } from 'node:module';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { buildWasm } from './build-wasm.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Bare names the library imports and a page must provide (import map or bundler). */
export const EXTERNALS = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs-backend-webgpu',
  'h5wasm',
];

/** Packages only Node can load; allowed in the library as dynamic imports behind a Node check. */
const NODE_ONLY = ['h5wasm/node', 'webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (p) => p.startsWith('node:') || builtins.has(p) || builtins.has(p.split('/')[0]);

/**
 * Records every Node built-in import and stubs the Node-only packages' dynamic imports.
 * ownOnly: only in this project's files (dependencies then follow their package.json
 * "browser" fields, which replace their Node branches).
 */
function nodeGuard(violations, ownOnly = false) {
  return {
    name: 'node-guard',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (ownOnly && (args.importer === '' || args.importer.includes(`${path.sep}node_modules${path.sep}`))) return undefined;
        if (NODE_ONLY.includes(args.path)) {
          if (args.kind === 'dynamic-import') return { path: args.path, namespace: 'node-only' };
          violations.push(`${args.path} (Node-only) imported statically by ${args.importer}`);
          return { path: args.path, external: true };
        }
        if (isBuiltin(args.path)) {
          violations.push(`${args.path} imported by ${path.relative(root, args.importer)}`);
          return { path: args.path, external: true };
        }
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'node-only' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is Node-only and cannot load in a browser`)});`,
      }));
    },
  };
}

/** What every bundle here shares: one ES module for current browsers. */
const BROWSER_ESM = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022' };

/** Fails on any Node built-in left in the output text (a check that does not trust the plugin). */
function scanOutput(file) {
  const text = readFileSync(file, 'utf8');
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"']+)["']/g;
  return [...text.matchAll(pattern)].map((m) => m[1]).filter(isBuiltin).map((p) => `${p} in ${path.relative(root, file)}`);
}

/** The host kernels' generated WebAssembly module, built once per process before any bundle that may import it. */
let wasmBuilt = null;
const ensureWasm = () => (wasmBuilt ??= buildWasm());

/** Bundles a library entry; throws listing every Node module that would reach the browser. */
export async function bundleLibrary(entry, outfile) {
  await ensureWasm();
  const violations = [];
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    ...BROWSER_ESM,
    sourcemap: true,
    external: EXTERNALS,
    plugins: [nodeGuard(violations)],
    logLevel: 'silent',
  });
  violations.push(...scanOutput(outfile));
  if (violations.length > 0) {
    throw new Error(`Node modules in the browser bundle:\n  ${[...new Set(violations)].join('\n  ')}`);
  }
  return outfile;
}

/**
 * Bundles a page script (TypeScript) that imports the library as '<root>/src/index.js': that
 * import becomes the external 'tfjs-em' (the built bundle, through the page's import map), so
 * pages type-check against the source and run against the bundle.
 */
export async function bundlePage(entry, outfile) {
  const index = path.join(root, 'src/index');
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    ...BROWSER_ESM,
    sourcemap: true,
    external: EXTERNALS,
    logLevel: 'silent',
    plugins: [
      {
        name: 'tfjs-em-external',
        setup(build) {
          build.onResolve({ filter: /\/src\/index(\.js|\.ts)?$/ }, (args) =>
            path.resolve(args.resolveDir, args.path).replace(/\.(js|ts)$/, '') === index ? { path: 'tfjs-em', external: true } : undefined,
          );
        },
      },
    ],
  });
  return outfile;
}

/**
 * Bundles a module worker (TypeScript) with everything it imports, the library and tf.js
 * included: a worker has no import map. The project's own Node-only imports are refused or
 * stubbed as above; dependencies take their browser builds.
 */
export async function bundleWorker(entry, outfile) {
  await ensureWasm();
  const violations = [];
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    ...BROWSER_ESM,
    minify: true,
    sourcemap: true,
    plugins: [nodeGuard(violations, true)],
    logLevel: 'silent',
  });
  if (violations.length > 0) {
    throw new Error(`Node modules in the worker bundle:\n  ${[...new Set(violations)].join('\n  ')}`);
  }
  return outfile;
}

/** Each external as an ES module; splitting keeps one tfjs-core shared by all backends. */
async function buildVendor(outdir) {
  const dir = path.join(outdir, 'vendor');
  const entries = {
    'tfjs-core': `export * from '@tensorflow/tfjs-core';`,
    'tfjs-backend-cpu': `export * from '@tensorflow/tfjs-backend-cpu';`,
    // The wasm binaries lie beside this module, wherever the page itself is.
    'tfjs-backend-wasm': `import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
      export * from '@tensorflow/tfjs-backend-wasm';
      setWasmPaths(new URL('./', import.meta.url).href);`,
    'tfjs-backend-webgl': `export * from '@tensorflow/tfjs-backend-webgl';`,
    'tfjs-backend-webgpu': `export * from '@tensorflow/tfjs-backend-webgpu';`,
    h5wasm: `export * from 'h5wasm'; export { default } from 'h5wasm';`,
  };
  await esbuild.build({
    entryPoints: Object.keys(entries).map((name) => ({ in: `vendor:${name}`, out: name })),
    outdir: dir,
    ...BROWSER_ESM,
    splitting: true,
    minify: true,
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'error',
    plugins: [
      {
        name: 'vendor-entries',
        setup(build) {
          build.onResolve({ filter: /^vendor:/ }, (args) => ({ path: args.path.slice(7), namespace: 'vendor' }));
          build.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => ({ contents: entries[args.path], resolveDir: root }));
        },
      },
    ],
  });
  const wasmDir = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
    copyFileSync(path.join(wasmDir, f), path.join(dir, f));
  }
  return dir;
}

/** The import map entries for a page that reaches the build output at `prefix` (e.g. './lib/'). */
export function importMap(prefix) {
  const imports = { 'tfjs-em': `${prefix}tfjs-em.js` };
  for (const name of EXTERNALS) imports[name] = `${prefix}vendor/${name.replace('@tensorflow/', '')}.js`;
  return { imports };
}

/** Builds into outdir (emptied first) and returns the library's sizes in bytes. */
export async function buildBrowser({ outdir = path.join(root, 'dist/browser'), vendor = true } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const library = await bundleLibrary(path.join(root, 'src/index.ts'), path.join(outdir, 'tfjs-em.js'));
  if (vendor) {
    await buildVendor(outdir);
    writeFileSync(path.join(outdir, 'importmap.json'), `${JSON.stringify(importMap('./'), null, 2)}\n`);
  }
  const sizes = { library, bytes: statSync(library).size, gzipBytes: gzipSync(readFileSync(library)).length };
  return vendor ? { ...sizes, vendorBytes: folderBytes(path.join(outdir, 'vendor')) } : sizes;
}

function folderBytes(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const p = path.join(dir, e.name);
    return sum + (e.isDirectory() ? folderBytes(p) : statSync(p).size);
  }, 0);
}

function formatSize(bytes) {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--outdir');
  const outdir = at >= 0 ? path.resolve(args[at + 1]) : undefined;
  try {
    const { library, bytes, gzipBytes, vendorBytes } = await buildBrowser({ outdir, vendor: !args.includes('--no-vendor') });
    console.log(`${path.relative(process.cwd(), library)}: ${formatSize(bytes)} (${formatSize(gzipBytes)} gzipped), externals: ${EXTERNALS.join(', ')}`);
    if (vendorBytes !== undefined) console.log(`${path.relative(process.cwd(), path.dirname(library))}/vendor: ${formatSize(vendorBytes)} (the externals, minified, and the wasm binaries)`);
  } catch (error) {
    console.error(`build:browser failed: ${error.message}`);
    process.exit(1);
  }
}
