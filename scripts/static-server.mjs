// A tiny static file server for the browser pages and their tests. It sends the
// cross-origin isolation headers (COOP/COEP) so that the wasm backend may use threads.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Serves each URL prefix from a folder: { '/': 'dist/web', '/reference/': '...' }. The longest
 * matching prefix wins; '/x/' serves x/index.html. port 0 picks a free port.
 * Resolves to { url, close() }.
 */
export async function startServer({ routes, host = '127.0.0.1', port = 0 }) {
  const table = Object.entries(routes)
    .map(([prefix, dir]) => [prefix, path.resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  const server = createServer(async (req, res) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-store',
    };
    const file = await resolveFile(table, new URL(req.url ?? '/', 'http://x').pathname);
    if (file === null || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(file === null ? 404 : 405, { ...headers, 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    const body = await readFile(file);
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const { port: bound } = server.address();
  return {
    url: `http://${host}:${bound}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function resolveFile(table, pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const route = table.find(([prefix]) => decoded.startsWith(prefix));
  if (!route) return null;
  const [prefix, dir] = route;
  let file = path.join(dir, decoded.slice(prefix.length));
  // path.join normalises '..'; anything that climbs out of the folder is not served.
  if (file !== dir && !file.startsWith(dir + path.sep)) return null;
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
    return (await stat(file)).isFile() ? file : null;
  } catch {
    return null;
  }
}
