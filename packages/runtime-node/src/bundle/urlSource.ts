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
import { type BundleSource, InputError } from '@slotmatch/core';

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

/** URL bundle source with a file cache (rules in the file header). */
export function urlBundleSource(url: string, options: UrlSourceOptions = {}): BundleSource {
  let base: URL;
  try {
    base = new URL(url.endsWith('/') ? url : `${url}/`);
  } catch {
    throw new InputError(url, 'is not a valid URL');
  }
  const doFetch = options.fetch ?? globalThis.fetch;
  const cache =
    options.cacheDir === false ? undefined : bundleCacheFolder(url, options.cacheDir ?? defaultCacheDir());
  return {
    name: url,
    async read(file: string): Promise<Uint8Array> {
      const cached = cache ? join(cache, file) : undefined;
      if (cached) {
        const hit = await readFile(cached).catch(() => undefined);
        if (hit) return new Uint8Array(hit);
      }
      const target = new URL(file, base);
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
      if (cached) {
        await mkdir(dirname(cached), { recursive: true });
        const tmp = `${cached}.${randomBytes(6).toString('hex')}.part`;
        try {
          await writeFile(tmp, bytes);
          await rename(tmp, cached);
        } catch (e) {
          await rm(tmp, { force: true });
          throw new InputError(cached, `cannot write the bundle cache (${(e as Error).message})`);
        }
      }
      return bytes;
    },
  };
}
