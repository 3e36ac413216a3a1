/**
 * What the page's server adds to the Vite build (used by the dev and preview servers in
 * vite.config.ts and by the test's server), all read from disk on request:
 *
 *   /ort/<file>                onnxruntime-web's runtime files (.wasm, .mjs) from node_modules
 *   /bundles/index.json        the names of the bundles found under the bundle roots
 *   /bundles/<name>/<file>     a model bundle's files (model.json, *.onnx)
 *
 * Bundle roots, searched in order: $SLOTMATCH_BUNDLES (folders separated by the platform's path
 * delimiter), then the repository's `models/` (the shipped bundles), then the tiny test bundles of
 * runtime-node (`packages/runtime-node/test/fixtures`, `packages/runtime-node/test/models`).
 * Every page response carries COOP/COEP headers so the page is cross-origin isolated and
 * onnxruntime-web's wasm backend may run threaded.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');

/** Headers that make the page cross-origin isolated (SharedArrayBuffer → wasm threads). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Content types of the files served. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
};

/** onnxruntime-web's dist folder (where its .wasm and .mjs files are). */
export function ortDistDir(): string {
  // The package's main entry lives in dist/ next to the runtime files (its exports map hides package.json).
  return dirname(createRequire(join(here, 'package.json')).resolve('onnxruntime-web'));
}

/** The bundle roots (order in the file header). */
export function bundleRoots(env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = (env.SLOTMATCH_BUNDLES ?? '').split(delimiter).filter((p) => p !== '');
  return [
    ...fromEnv.map((p) => resolve(p)),
    join(repo, 'models'),
    join(repo, 'packages/runtime-node/test/fixtures'),
    join(repo, 'packages/runtime-node/test/models'),
  ];
}

/** Bundles (folders holding a model.json) under the roots; the first root holding a name wins. */
export function listBundles(roots: readonly string[] = bundleRoots()): Map<string, string> {
  const found = new Map<string, string>();
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const dir = join(root, name);
      if (!found.has(name) && existsSync(join(dir, 'model.json')) && statSync(dir).isDirectory()) {
        found.set(name, dir);
      }
    }
  }
  return found;
}

/** `rel` inside `root`, or undefined when it escapes it. */
function inside(root: string, rel: string): string | undefined {
  const p = normalize(join(root, rel));
  return p === root || p.startsWith(root + sep) ? p : undefined;
}

/** The answer for a URL path: a file to send, JSON text, or undefined (not ours). */
export function resolveAsset(
  pathname: string,
  roots: readonly string[] = bundleRoots(),
): { file: string } | { json: string } | undefined {
  if (pathname.startsWith('/ort/')) {
    const file = inside(ortDistDir(), decodeURIComponent(pathname.slice(5)));
    return file ? { file } : undefined;
  }
  if (pathname === '/bundles/index.json') {
    return { json: JSON.stringify({ bundles: [...listBundles(roots).keys()] }) };
  }
  const m = /^\/bundles\/([\w.-]+)\/(.+)$/.exec(pathname);
  if (m) {
    const dir = listBundles(roots).get(m[1]!);
    const file = dir ? inside(dir, decodeURIComponent(m[2]!)) : undefined;
    return file ? { file } : undefined;
  }
  return undefined;
}
