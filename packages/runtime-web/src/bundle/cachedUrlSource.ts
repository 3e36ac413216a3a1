/**
 * A bundle behind a URL prefix, cached with the browser's Cache API: each file's response is
 * stored in the cache named `slotmatch-bundles` (by its full URL) after a complete download and
 * served from there afterwards. Where the Cache API is missing (insecure contexts) files are
 * fetched every time.
 */
import {
  type BundleFileCache,
  type BundleSource,
  bytesBundleSource,
  fetchBundleSource,
} from '@slotmatch/core';

/** Name of the Cache API cache holding bundle files. */
export const BUNDLE_CACHE_NAME = 'slotmatch-bundles';

/** Options of {@link cachedUrlBundleSource}. */
export interface CachedUrlOptions {
  /** Use the Cache API (default true when available). */
  readonly cache?: boolean;
  /** Replaces the global fetch (tests). */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * The Cache API store of bundle files (rules in the file header); undefined where the Cache API is
 * missing. A store that fails (quota, private mode) only costs a later download.
 */
export function cacheApiBundleCache(): BundleFileCache | undefined {
  if (typeof globalThis.caches === 'undefined') return undefined;
  const open = () => globalThis.caches.open(BUNDLE_CACHE_NAME).catch(() => undefined);
  return {
    async get(_file, url) {
      const hit = await (await open())?.match(url);
      return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
    },
    async put(_file, url, bytes) {
      const response = new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: { 'content-type': 'application/octet-stream' },
      });
      await (await open())?.put(url, response).catch(() => {});
    },
  };
}

/** URL bundle source with Cache API caching (core `fetchBundleSource` + {@link cacheApiBundleCache}). */
export function cachedUrlBundleSource(url: string, options: CachedUrlOptions = {}): BundleSource {
  const cache = options.cache === false ? undefined : cacheApiBundleCache();
  return fetchBundleSource(url, {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(cache ? { cache } : {}),
    ...(globalThis.location?.href ? { base: globalThis.location.href } : {}),
  });
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
