/**
 * Test page of @slotmatch/runtime-web, driven by test/browser.test.ts through playwright:
 * `window.slotmatchTest` runs the PyTorch parity check of a bundle on a clip fixture and the
 * bad-input checks, on the device the test asks for, and returns plain JSON reports.
 */
import { createWebBackend, loadSegmenter, type WebDevice } from '@slotmatch/runtime-web';
import { type ClipTensor, clipFrames, parityReport } from '../../../runtime-node/test/parity.js';

type Encoded = { dims: number[]; dtype: 'float32' | 'float64' | 'int64'; data: string };

function decode(t: Encoded): ClipTensor {
  const bin = atob(t.data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const data =
    t.dtype === 'float32'
      ? new Float32Array(bytes.buffer)
      : t.dtype === 'float64'
        ? new Float64Array(bytes.buffer)
        : Int32Array.from(new BigInt64Array(bytes.buffer), (v) => Number(v));
  return { dims: t.dims, data };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

const ORT = '/ort/';

async function parity(device: WebDevice, bundleUrl: string, clipUrl: string, key: string) {
  const clip = (await (await fetch(clipUrl)).json()) as Record<string, unknown>;
  const frames = clipFrames(decode(clip.frames as Encoded));
  const expected = Object.fromEntries(
    Object.entries(clip[key] as Record<string, Encoded>).map(([n, t]) => [n, decode(t)]),
  ) as never;
  const log: string[] = [];
  const segmenter = await loadSegmenter(bundleUrl, { device, wasmPaths: ORT, log: (m) => log.push(m) });
  try {
    // Feed half the frames as ImageData and half as ImageBitmap to exercise the browser frame types.
    const sources = await Promise.all(
      frames.map(async (f, i) => {
        const rgba = new Uint8ClampedArray(f.width * f.height * 4);
        for (let p = 0; p < f.width * f.height; p++) {
          rgba[p * 4] = f.data[p * 3]!;
          rgba[p * 4 + 1] = f.data[p * 3 + 1]!;
          rgba[p * 4 + 2] = f.data[p * 3 + 2]!;
          rgba[p * 4 + 3] = 255;
        }
        const img = new ImageData(rgba, f.width, f.height);
        return i % 2 === 0
          ? img
          : await createImageBitmap(img, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
      }),
    );
    const results = await collect(
      segmenter.segment(sources, { masks: 'grid', attention: true, batchSize: 2 }),
    );
    const report = parityReport(
      segmenter.manifest.input,
      frames,
      expected,
      results,
      segmenter.manifest.tokens,
    );
    return {
      provider: segmenter.backend?.provider,
      numThreads: segmenter.backend?.numThreads,
      crossOriginIsolated: globalThis.crossOriginIsolated,
      log,
      frames: results.length,
      ...report,
    };
  } finally {
    await segmenter.dispose();
  }
}

async function badInputs(device: WebDevice, bundleUrl: string) {
  const messages: Record<string, string> = {};
  const capture = async (name: string, f: () => Promise<unknown>) => {
    try {
      await f();
      messages[name] = 'no error';
    } catch (e) {
      messages[name] = `${(e as Error).name}: ${(e as Error).message}`;
    }
  };
  const backend = createWebBackend({ device, wasmPaths: ORT, log: () => {} });
  await capture('missingBundle', () => loadSegmenter('/bundles/does-not-exist', { backend }));
  await capture('corruptGraph', () => loadSegmenter('/bundles/corrupt', { backend }));
  await capture('mismatchedGraph', () => loadSegmenter('/bundles/mismatch', { backend }));
  const seg = await loadSegmenter(bundleUrl, { backend });
  try {
    await capture('wrongFrameType', () =>
      collect(seg.segment([new ImageData(4, 4), 'not a frame' as never])),
    );
  } finally {
    await seg.dispose();
  }
  return messages;
}

/** Load the same bundle twice; the second load must come from the Cache API (the server counts requests). */
async function cacheTwice(bundleUrl: string) {
  for (let i = 0; i < 2; i++) {
    const seg = await loadSegmenter(bundleUrl, { device: 'wasm', wasmPaths: ORT, log: () => {} });
    await seg.dispose();
  }
  return (await caches.open('slotmatch-bundles').then((c) => c.keys()))
    .map((r) => new URL(r.url).pathname)
    .sort();
}

declare global {
  interface Window {
    slotmatchTest: {
      parity: typeof parity;
      badInputs: typeof badInputs;
      cacheTwice: typeof cacheTwice;
      ready: boolean;
    };
  }
}

window.slotmatchTest = { parity, badInputs, cacheTwice, ready: true };
