// The in-browser scoring page (web/): builds it into a static folder and serves it.
//
//   node scripts/serve-web.mjs [--port 8080] [--outdir dist/web] [--build-only]
//
// The folder is self-contained (index.html, app.js, worker.js = the worker that reads and
// scores, with the library and tf.js inside, lib/ = the browser build and its dependencies),
// so it can be copied to any static host that serves .wasm as application/wasm.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBrowser, bundlePage, bundleWorker, importMap } from './build-browser.mjs';
import { startServer } from './static-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function buildWeb(outdir) {
  await buildBrowser({ outdir: path.join(outdir, 'lib') });
  await bundlePage(path.join(root, 'web/src/main.ts'), path.join(outdir, 'app.js'));
  await bundleWorker(path.join(root, 'web/src/worker.ts'), path.join(outdir, 'worker.js'));
  const html = readFileSync(path.join(root, 'web/index.html'), 'utf8');
  writeFileSync(path.join(outdir, 'index.html'), html.replace('%IMPORT_MAP%', JSON.stringify(importMap('./lib/'))));
  copyFileSync(path.join(root, 'web/style.css'), path.join(outdir, 'style.css'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const outdir = path.resolve(option('--outdir', path.join(root, 'dist/web')));
  try {
    await buildWeb(outdir);
  } catch (error) {
    console.error(`web: build failed: ${error.message}`);
    process.exit(1);
  }
  if (args.includes('--build-only')) {
    console.log(`web: built ${path.relative(process.cwd(), outdir) || '.'}`);
  } else {
    const port = Number(option('--port', 8080));
    try {
      const { url } = await startServer({ routes: { '/': outdir }, port });
      console.log(`tfjs-em scoring page: ${url}  (Ctrl+C stops it)`);
    } catch (error) {
      const hint = error.code === 'EADDRINUSE' ? `port ${port} is in use: npm run web -- --port ${port + 1}` : error.message;
      console.error(`web: cannot serve: ${hint}`);
      process.exit(1);
    }
  }
}
