/**
 * One entry point for every place a bundle can come from: an http(s) URL (downloaded once into
 * the file cache), in-memory bytes (`{ "model.json": …, "encoder.onnx": … }`), or a folder (a path
 * or a `file:` URL).
 */
import { fileURLToPath } from 'node:url';
import { type BundleSource, bytesBundleSource } from '@slotmatch/core';
import { folderBundleSource } from './folderSource.js';
import { type UrlSourceOptions, urlBundleSource } from './urlSource.js';

/** A bundle location: folder path, URL, or the bundle's files as bytes. */
export type BundleLocation =
  | string
  | URL
  | Readonly<Record<string, Uint8Array | ArrayBuffer | string>>
  | BundleSource;

function isSource(v: unknown): v is BundleSource {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as BundleSource).read === 'function' &&
    typeof (v as BundleSource).name === 'string'
  );
}

/** Resolve a {@link BundleLocation} to a source (rule in the file header). */
export async function openBundle(
  location: BundleLocation,
  options: UrlSourceOptions = {},
): Promise<BundleSource> {
  if (isSource(location)) return location;
  if (location instanceof URL || (typeof location === 'string' && /^file:/i.test(location))) {
    const url = new URL(location);
    return url.protocol === 'file:'
      ? folderBundleSource(fileURLToPath(url))
      : urlBundleSource(url.href, options);
  }
  if (typeof location === 'string') {
    return /^https?:\/\//i.test(location) ? urlBundleSource(location, options) : folderBundleSource(location);
  }
  return bytesBundleSource('bytes', location);
}
