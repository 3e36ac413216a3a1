/**
 * Vite configuration of the live page: workspace packages resolve to their TypeScript sources (the
 * `@slotmatch/source` condition, so nothing needs building first; the `browser` condition picks the
 * browser entry of @slotmatch/metrics, which has no Node built-in), and the dev and preview servers
 * send the cross-origin isolation headers and serve onnxruntime-web's files and the model bundles
 * (server/assets.ts).
 */
import { createReadStream, existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { CONTENT_TYPES, ISOLATION_HEADERS, resolveAsset } from './server/assets.js';

const here = fileURLToPath(new URL('.', import.meta.url));

function serveAssets(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const asset = resolveAsset(new URL(req.url ?? '/', 'http://x').pathname);
  if (!asset) {
    next();
    return;
  }
  const headers = { ...ISOLATION_HEADERS, 'Cache-Control': 'no-store' };
  if ('json' in asset) {
    res.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(asset.json);
  } else if (!existsSync(asset.file)) {
    res.writeHead(404, headers).end('not found');
  } else {
    res.writeHead(200, {
      ...headers,
      'Content-Type': CONTENT_TYPES[extname(asset.file)] ?? 'application/octet-stream',
    });
    createReadStream(asset.file).pipe(res);
  }
}

/** /ort/ and /bundles/ on the dev and preview servers. */
const assets: Plugin = {
  name: 'slotmatch-live-assets',
  configureServer(server) {
    server.middlewares.use(serveAssets);
  },
  configurePreviewServer(server) {
    server.middlewares.use(serveAssets);
  },
};

export default defineConfig({
  root: here,
  plugins: [assets],
  resolve: { conditions: ['@slotmatch/source', ...defaultClientConditions] },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  build: { target: 'es2022', chunkSizeWarningLimit: 100_000 },
});
