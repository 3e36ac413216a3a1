/**
 * A bundle behind a URL prefix, cached with the browser's Cache API: each file's response is
 * stored in the cache named `slotmatch-bundles` (by its full URL) after a complete download and
 * served from there afterwards. Where the Cache API is missing (insecure contexts) files are
 * fetched every time.
 */
import { type BundleSource, bytesBundleSource, InputError } from '@slotmatch/core';

/** Name of the Cache API cache holding bundle files. */
export const BUNDLE_CACHE_NAME = 'slotmatch-bundles';

/** Options of {@link cachedUrlBundleSource}. */
export interface CachedUrlOptions {
  /** Use the Cache API (default true when available). */
  readonly cache?: boolean;
  /** Replaces the global fetch (tests). */
  readonly fetch?: typeof globalThis.fetch;
}

/** URL bundle source with Cache API caching (rules in the file header). */
export function cachedUrlBundleSource(url: string, options: CachedUrlOptions = {}): BundleSource {
  let base: URL;
  try {
    base = new URL(url.endsWith('/') ? url : `${url}/`, globalThis.location?.href);
  } catch {
    throw new InputError(url, 'is not a valid URL');
  }
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const useCache = options.cache !== false && typeof globalThis.caches !== 'undefined';
  return {
    name: url,
    async read(file: string): Promise<Uint8Array> {
      const target = new URL(file, base).href;
      const cache = useCache
        ? await globalThis.caches.open(BUNDLE_CACHE_NAME).catch(() => undefined)
        : undefined;
      const hit = await cache?.match(target);
      if (hit) return new Uint8Array(await hit.arrayBuffer());
      let response: Response;
      try {
        response = await doFetch(target);
      } catch (e) {
        throw new InputError(`${url}/${file}`, `cannot be downloaded (${(e as Error).message})`);
      }
      if (!response.ok)
        throw new InputError(
          `${url}/${file}`,
          `download answered HTTP ${response.status} ${response.statusText}`.trim(),
        );
      const bytes = new Uint8Array(await response.arrayBuffer());
      await cache
        ?.put(target, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }))
        .catch(() => {});
      return bytes;
    },
  };
}

/** Remove every cached bundle file (e.g. after a model update). */
export async function clearBundleCache(): Promise<boolean> {
  return typeof globalThis.caches === 'undefined' ? false : globalThis.caches.delete(BUNDLE_CACHE_NAME);
}

/** A bundle location: URL (string or URL), the bundle's files as bytes, or any BundleSource. */
export type WebBundleLocation =
  | string
  | URL
  | Readonly<Record<string, Uint8Array | ArrayBuffer | string>>
  | BundleSource;

/** Resolve a {@link WebBundleLocation} to a source. */
export function openWebBundle(location: WebBundleLocation, options: CachedUrlOptions = {}): BundleSource {
  if (typeof location === 'string') return cachedUrlBundleSource(location, options);
  if (location instanceof URL) return cachedUrlBundleSource(location.href, options);
  if (
    typeof (location as BundleSource).read === 'function' &&
    typeof (location as BundleSource).name === 'string'
  ) {
    return location as BundleSource;
  }
  return bytesBundleSource('bytes', location as Readonly<Record<string, Uint8Array | ArrayBuffer | string>>);
}
