import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { type BundleFileCache, fetchBundleSource } from './fetchSource.js';

function memoryCache(): BundleFileCache & { store: Map<string, Uint8Array> } {
  const store = new Map<string, Uint8Array>();
  return {
    store,
    get: async (_file, url) => store.get(url),
    put: async (_file, url, bytes) => {
      store.set(url, bytes);
    },
  };
}

describe('fetchBundleSource', () => {
  it('downloads each file once under the URL prefix, then serves it from the cache', async () => {
    const asked: string[] = [];
    const fetch = (async (url: string) => {
      asked.push(url);
      return new Response(new TextEncoder().encode(`bytes of ${url}`));
    }) as typeof globalThis.fetch;
    const cache = memoryCache();
    const source = fetchBundleSource('https://models.example/b/', { fetch, cache });
    expect(source.name).toBe('https://models.example/b');
    const a = await source.read('model.json');
    const b = await source.read('model.json');
    expect(new TextDecoder().decode(b)).toBe('bytes of https://models.example/b/model.json');
    expect(a).toEqual(b);
    expect(asked).toEqual(['https://models.example/b/model.json']);
    expect([...cache.store.keys()]).toEqual(['https://models.example/b/model.json']);
  });

  it('resolves relative URLs against a base, and names the file and cause of every failure', async () => {
    const fetch = (async (url: string) =>
      url.endsWith('gone.onnx')
        ? new Response('no', { status: 404, statusText: 'Not Found' })
        : Promise.reject(new Error('connection refused'))) as typeof globalThis.fetch;
    const source = fetchBundleSource('/bundles/x', { fetch, base: 'http://127.0.0.1:9/page/' });
    await expect(source.read('gone.onnx')).rejects.toThrow(
      '/bundles/x/gone.onnx: download answered HTTP 404 Not Found',
    );
    await expect(source.read('model.json')).rejects.toThrow(
      '/bundles/x/model.json: cannot be downloaded (connection refused)',
    );
    expect(() => fetchBundleSource('http://[bad')).toThrow(InputError);
  });
});
