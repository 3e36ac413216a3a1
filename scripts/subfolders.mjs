// The one listing of sub-folders the scripts use (bundle folders under models/, video folders of a split).
import { readdir } from 'node:fs/promises';

/** Names of the folders directly inside `dir`, sorted by code unit (readdir's order is the file system's). */
export async function subfolders(dir) {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}
