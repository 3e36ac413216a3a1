import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSegmenter } from '../segmenter.js';
import { openBundle } from './openBundle.js';
import { bundleCacheFolder } from './urlSource.js';

const mini = join(dirname(fileURLToPath(import.meta.url)), '../../test/models/mini');

describe('URL bundles with a file cache', () => {
  let server: Server;
  let base: string;
  let cacheDir: string;
  const requests: string[] = [];
  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'slotmatch-cache-'));
    server = createServer(async (req, res) => {
      requests.push(req.url ?? '');
      const m = /^\/bundles\/mini\/([\w.]+)$/.exec(req.url ?? '');
      const body = m ? await readFile(join(mini, m[1]!)).catch(() => undefined) : undefined;
      if (!body) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address() as { port: number };
    base = `http://127.0.0.1:${addr.port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('downloads once, then loads from the cache without the network', async () => {
    const url = `${base}/bundles/mini`;
    const a = await loadSegmenter(url, { device: 'cpu', cacheDir });
    await a.dispose();
    expect(requests.filter((r) => r.startsWith('/bundles/mini/')).sort()).toEqual([
      '/bundles/mini/encoder.onnx',
      '/bundles/mini/first.onnx',
      '/bundles/mini/model.json',
      '/bundles/mini/next.onnx',
    ]);
    requests.length = 0;
    const b = await loadSegmenter(`${url}/`, { device: 'cpu', cacheDir });
    await b.dispose();
    expect(requests).toEqual([]);
    const cached = await readFile(join(bundleCacheFolder(url, cacheDir), 'model.json'), 'utf8');
    expect(JSON.parse(cached).name).toBe('runtime-test-mini');
  });

  it('names the URL and file when the server does not have it', async () => {
    await expect(loadSegmenter(`${base}/bundles/missing`, { device: 'cpu', cacheDir })).rejects.toThrow(
      /\/bundles\/missing\/model\.json: download answered HTTP 404/,
    );
  });

  it('opens bundles given as bytes', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const f of ['model.json', 'encoder.onnx', 'first.onnx', 'next.onnx'])
      files[f] = new Uint8Array(await readFile(join(mini, f)));
    const seg = await loadSegmenter(files, { device: 'cpu' });
    expect(seg.model.source).toBe('bytes');
    await seg.dispose();
    expect((await openBundle('https://example.com/b')).name).toBe('https://example.com/b');
    const fromFileUrl = await loadSegmenter(pathToFileURL(mini), { device: 'cpu' });
    expect(fromFileUrl.model.source).toBe(mini);
    await fromFileUrl.dispose();
  });
});
