/**
 * A bundle in a local folder: `read(file)` reads `<folder>/<file>`. The manifest's file names are
 * already restricted to paths inside the bundle (core `parseManifest`).
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type BundleSource, InputError } from '@slotmatch/core';

/** Folder bundle source; rejects up front when the folder does not exist. */
export async function folderBundleSource(folder: string): Promise<BundleSource> {
  const root = resolve(folder);
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new InputError(folder, 'model bundle folder does not exist');
  if (!info.isDirectory())
    throw new InputError(
      folder,
      'is not a folder (a model bundle is a folder holding model.json and its .onnx graphs)',
    );
  return {
    name: folder,
    async read(file: string): Promise<Uint8Array> {
      try {
        return new Uint8Array(await readFile(join(root, file)));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new InputError(
          `${folder}/${file}`,
          code === 'ENOENT' ? 'file is missing from the bundle' : `cannot be read (${code ?? String(e)})`,
        );
      }
    },
  };
}
