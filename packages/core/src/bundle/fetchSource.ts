/**
 * A bundle behind a URL prefix: file f of the bundle is `new URL(f, prefix + "/")`, downloaded with
 * `fetch`; a failed request or a non-2xx answer is an InputError naming "<url>/<file>" and the
 * cause. An optional cache (a file cache in Node, the Cache API in browsers) is asked first and
 * given every complete download.
 */
import { InputError } from '../errors/index.js';
import type { BundleSource } from './bundleSource.js';

/** Where downloaded bundle files are kept; the runtimes provide one each. */
export interface BundleFileCache {
  /** The cached bytes of bundle file `file` (at `url`), or undefined on a miss. */
  get(file: string, url: string): Promise<Uint8Array | undefined>;
  /** Keep the complete bytes of `file` (at `url`). */
  put(file: string, url: string, bytes: Uint8Array): Promise<void>;
}

/** Options of {@link fetchBundleSource}. */
export interface FetchSourceOptions {
  /** Replaces the global fetch (tests, custom headers). */
  readonly fetch?: typeof globalThis.fetch;
  /** Asked before every download and given every complete one. */
  readonly cache?: BundleFileCache;
  /** Base that a relative `url` is resolved against (browsers: the page's address). */
  readonly base?: string;
}

/** The bundle behind `url` (rule in the file header). */
export function fetchBundleSource(url: string, options: FetchSourceOptions = {}): BundleSource {
  let prefix: URL;
  try {
    prefix = new URL(url.endsWith('/') ? url : `${url}/`, options.base);
  } catch {
    throw new InputError(url, 'is not a valid URL');
  }
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const cache = options.cache;
  const name = url.endsWith('/') ? url.slice(0, -1) : url;
  return {
    name,
    async read(file: string): Promise<Uint8Array> {
      const target = new URL(file, prefix).href;
      const hit = await cache?.get(file, target);
      if (hit) return hit;
      let response: Response;
      try {
        response = await doFetch(target);
      } catch (e) {
        throw new InputError(`${name}/${file}`, `cannot be downloaded (${(e as Error).message})`, {
          cause: e,
        });
      }
      if (!response.ok) {
        throw new InputError(
          `${name}/${file}`,
          `download answered HTTP ${response.status} ${response.statusText}`.trim(),
        );
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      await cache?.put(file, target, bytes);
      return bytes;
    },
  };
}
