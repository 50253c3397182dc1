// Serves the built sample page (dist/) on its own origin, apart from the
// voice server: `node serve.mjs --port 8080 [--host 127.0.0.1]`.
// A market site must be listed in the voice server's
// PNL_VOICE_ALLOWED_ORIGINS to embed rooms (e.g. http://127.0.0.1:8080).

import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const { values } = parseArgs({
  options: { port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, not ${values.port}`);
  process.exit(2);
}
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dist');
try {
  statSync(path.join(root, 'index.html'));
} catch {
  console.error(`${root}/index.html is missing: run \`npm run build\` first`);
  process.exit(1);
}

/** The file under dist/ for a URL path (`/` is index.html); undefined outside dist/ or missing. */
function fileFor(urlPath) {
  const relative = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath);
  const file = path.join(root, path.normalize(relative));
  if (!file.startsWith(root + path.sep)) return undefined;
  try {
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

const server = createServer((req, res) => {
  let file;
  try {
    file = req.method === 'GET' || req.method === 'HEAD' ? fileFor(new URL(req.url, 'http://page').pathname) : undefined;
  } catch {
    file = undefined; // a malformed escape in the path
  }
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
});
server.listen(port, values.host, () => {
  const { port: actual } = server.address();
  // The first line says where: tests read it to learn a port chosen with --port 0.
  console.log(`sample market page on http://${values.host}:${actual}/`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
