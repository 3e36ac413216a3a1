/**
 * A bundle behind a URL prefix (`<url>/model.json`, `<url>/encoder.onnx`, …) with a file cache:
 * each file is stored at `<cacheDir>/<sha256(url prefix)[0:16]>/<file>` after a complete
 * download (written to a temporary name, then renamed, so an interrupted download never leaves a
 * partial file), and read from there afterwards without touching the network.
 * Default cache folder: $SLOTMATCH_CACHE, else $XDG_CACHE_HOME/slotmatch, else ~/.cache/slotmatch.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { type BundleFileCache, type BundleSource, fetchBundleSource, InputError } from '@slotmatch/core';

/** Options of {@link urlBundleSource}. */
export interface UrlSourceOptions {
  /** Cache folder (default in the file header); `false` disables caching. */
  readonly cacheDir?: string | false;
  /** Replaces the global fetch (tests). */
  readonly fetch?: typeof globalThis.fetch;
}

/** The default cache folder (rule in the file header). */
export function defaultCacheDir(): string {
  const env = process.env.SLOTMATCH_CACHE;
  if (env) return env;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg !== '' ? xdg : join(homedir(), '.cache'), 'slotmatch');
}

/** The cache folder of one bundle URL: `<cacheDir>/bundles/<sha256(prefix)[0:16]>`. */
export function bundleCacheFolder(url: string, cacheDir = defaultCacheDir()): string {
  const prefix = url.endsWith('/') ? url : `${url}/`;
  return join(cacheDir, 'bundles', createHash('sha256').update(prefix).digest('hex').slice(0, 16));
}

/**
 * The file cache of one bundle URL (rules in the file header): a miss is any file that cannot be
 * read; a store that fails is an InputError naming the cache file.
 */
export function fileBundleCache(url: string, cacheDir = defaultCacheDir()): BundleFileCache {
  const folder = bundleCacheFolder(url, cacheDir);
  return {
    async get(file) {
      const hit = await readFile(join(folder, file)).catch(() => undefined);
      return hit ? new Uint8Array(hit.buffer, hit.byteOffset, hit.byteLength) : undefined;
    },
    async put(file, _url, bytes) {
      const cached = join(folder, file);
      const tmp = `${cached}.${randomBytes(6).toString('hex')}.part`;
      try {
        await mkdir(dirname(cached), { recursive: true });
        await writeFile(tmp, bytes);
        await rename(tmp, cached);
      } catch (e) {
        await rm(tmp, { force: true });
        throw new InputError(cached, `cannot write the bundle cache (${(e as Error).message})`, { cause: e });
      }
    },
  };
}

/** URL bundle source with a file cache (core `fetchBundleSource` + {@link fileBundleCache}). */
export function urlBundleSource(url: string, options: UrlSourceOptions = {}): BundleSource {
  return fetchBundleSource(url, {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.cacheDir === false
      ? {}
      : { cache: fileBundleCache(url, options.cacheDir ?? defaultCacheDir()) }),
  });
}
