/**
 * @slotmatch/runtime-web in Debian's headless Chromium (playwright-core): the test page
 * (test/page, bundled with vite) is served from a localhost server with COOP/COEP headers (so
 * the page is cross-origin isolated and wasm runs threaded), onnxruntime-web's wasm files from
 * node_modules, and the bundles/clips of packages/runtime-node/test. Each device — WebGPU on
 * SwiftShader and wasm — must reproduce PyTorch within 1e-4 with identical label maps.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build, defaultClientConditions } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium, listenOnLoopback } from '../../../test/browser.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const nodeTest = join(repo, 'packages/runtime-node/test');
const ortDist = join(repo, 'node_modules/onnxruntime-web/dist');
const tinyClip = join(nodeTest, 'fixtures/tiny-clip.json');
const hasTiny = existsSync(tinyClip);

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
};

let server: Server;
let origin: string;
let pageDir: string;
let browser: Browser | undefined;
const hits: string[] = [];

/** Files served for a URL path (undefined: 404). Dynamic variants of the mini bundle for bad input. */
async function serve(path: string): Promise<Buffer | undefined> {
  const safe = (root: string, rel: string) => {
    const p = normalize(join(root, rel));
    return p.startsWith(root) ? p : undefined;
  };
  const file = async (p: string | undefined) => (p ? readFile(p).catch(() => undefined) : undefined);
  const mini = join(nodeTest, 'models/mini');
  if (path.startsWith('/ort/')) return file(safe(ortDist, path.slice(5)));
  if (path === '/bundles/corrupt/first.onnx') return Buffer.from('not a protobuf');
  if (path === '/bundles/mismatch/model.json') {
    const m = JSON.parse(await readFile(join(mini, 'model.json'), 'utf8'));
    m.slots.count = 5;
    return Buffer.from(JSON.stringify(m));
  }
  let m = /^\/bundles\/(mini|mini-cache|corrupt|mismatch)\/(.+)$/.exec(path);
  if (m) return file(safe(mini, m[2]!));
  m = /^\/bundles\/(tiny-teacher|tiny-student)\/(.+)$/.exec(path);
  if (m) return file(safe(join(nodeTest, 'fixtures', m[1]!), m[2]!));
  if (path === '/clips/mini-clip.json') return file(join(nodeTest, 'models/mini-clip.json'));
  if (path === '/clips/tiny-clip.json') return file(tinyClip);
  return file(safe(pageDir, path === '/' ? 'index.html' : path.slice(1)));
}

beforeAll(async () => {
  pageDir = await mkdtemp(join(tmpdir(), 'slotmatch-web-page-'));
  await build({
    root: join(here, 'page'),
    logLevel: 'error',
    configFile: false,
    resolve: { conditions: ['@slotmatch/source', ...defaultClientConditions] },
    build: {
      outDir: pageDir,
      emptyOutDir: true,
      minify: false,
      target: 'es2022',
      chunkSizeWarningLimit: 100_000,
    },
  });
  server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.push(path);
    const body = await serve(path);
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    if (!body) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    res
      .writeHead(200, {
        ...headers,
        'Content-Type': TYPES[extname(path === '/' ? 'index.html' : path)] ?? 'application/octet-stream',
      })
      .end(body);
  });
  origin = await listenOnLoopback(server);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise((r) => server.close(r));
  await rm(pageDir, { recursive: true, force: true });
});

async function openPage(): Promise<Page> {
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/`);
  await page.waitForFunction(
    () => (window as unknown as { slotmatchTest?: { ready: boolean } }).slotmatchTest?.ready === true,
    null,
    {
      timeout: 60_000,
    },
  );
  expect(errors).toEqual([]);
  return page;
}

type Report = Record<string, unknown> & {
  provider: string;
  pixels: number;
  slots: number;
  masks: number;
  attention: number;
  labelMismatchesNotTies: number;
};

async function parity(device: 'webgpu' | 'wasm', bundle: string, clip: string, key: string): Promise<Report> {
  const page = await openPage();
  try {
    return (await page.evaluate(
      ([d, b, c, k]) =>
        (
          window as never as { slotmatchTest: { parity: (...a: string[]) => Promise<unknown> } }
        ).slotmatchTest.parity(d!, b!, c!, k!),
      [device, bundle, clip, key],
    )) as Report;
  } finally {
    await page.close();
  }
}

function expectParity(report: Report, device: string) {
  console.log(`runtime-web ${device}:`, JSON.stringify(report));
  expect(report.provider).toBe(device);
  expect(report.pixels).toBeLessThan(1e-4);
  expect(report.slots).toBeLessThan(1e-4);
  expect(report.masks).toBeLessThan(1e-4);
  expect(report.attention).toBeLessThan(1e-4);
  expect(report.labelMismatchesNotTies).toBe(0);
}

describe.skipIf(!existsSync(chromiumPath))('runtime-web in headless Chromium', () => {
  for (const device of ['webgpu', 'wasm'] as const) {
    describe(device, () => {
      it('the mini bundle reproduces its PyTorch clip within 1e-4', async () => {
        const r = await parity(device, '/bundles/mini', '/clips/mini-clip.json', 'model');
        expectParity(r, device);
        if (device === 'wasm') {
          expect(r.crossOriginIsolated).toBe(true);
          expect(r.numThreads).toBeGreaterThan(1);
        }
      });
      it.skipIf(!hasTiny)('tiny-teacher and tiny-student match PyTorch within 1e-4', async () => {
        expectParity(
          await parity(device, '/bundles/tiny-teacher', '/clips/tiny-clip.json', 'teacher'),
          device,
        );
        expectParity(
          await parity(device, '/bundles/tiny-student', '/clips/tiny-clip.json', 'student'),
          device,
        );
      });
    });
  }

  it('bad input: missing bundle, corrupt graph, mismatched graph, wrong frame type', async () => {
    const page = await openPage();
    try {
      const m = (await page.evaluate(() =>
        (
          window as never as { slotmatchTest: { badInputs: (d: string, b: string) => Promise<unknown> } }
        ).slotmatchTest.badInputs('wasm', '/bundles/mini'),
      )) as Record<string, string>;
      expect(m.missingBundle).toMatch(
        /^InputError: \/bundles\/does-not-exist\/model\.json: download answered HTTP 404/,
      );
      expect(m.corruptGraph).toMatch(
        /^InputError: \/bundles\/corrupt\/first\.onnx: (does not load as an ONNX model|no execution provider could load it)/,
      );
      expect(m.mismatchedGraph).toMatch(
        /^InputError: \/bundles\/mismatch\/first\.onnx: tensor "slots" has dims \[batch,3,6\], the manifest implies \[\?,5,6\]/,
      );
      expect(m.wrongFrameType).toMatch(
        /^InputError: frame 1: expected an HTMLVideoElement, VideoFrame, ImageBitmap, ImageData/,
      );
    } finally {
      await page.close();
    }
  });

  it('caches downloaded bundles with the Cache API', async () => {
    const page = await openPage();
    try {
      hits.length = 0;
      const keys = await page.evaluate(() =>
        (
          window as never as { slotmatchTest: { cacheTwice: (b: string) => Promise<string[]> } }
        ).slotmatchTest.cacheTwice('/bundles/mini-cache'),
      );
      expect(keys).toEqual([
        '/bundles/mini-cache/encoder.onnx',
        '/bundles/mini-cache/first.onnx',
        '/bundles/mini-cache/model.json',
        '/bundles/mini-cache/next.onnx',
      ]);
      expect(hits.filter((h) => h.startsWith('/bundles/mini-cache/')).length).toBe(4);
    } finally {
      await page.close();
    }
  });
});
