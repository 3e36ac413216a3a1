/**
 * The output folder appears complete or not at all: everything is written into a hidden sibling
 * `.<name>.partial-<pid>-<hex>` that is renamed onto the target only once every file is finished
 * (an existing target is replaced after that); on any error the sibling is removed.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** A folder being written; `commit` publishes it, `discard` removes it. */
export interface StagedFolder {
  readonly target: string;
  readonly path: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** Create the hidden temporary sibling of `target` (rule in the file header). */
export async function stageFolder(target: string): Promise<StagedFolder> {
  const abs = resolve(target);
  await mkdir(dirname(abs), { recursive: true });
  const path = join(
    dirname(abs),
    `.${basename(abs)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  await mkdir(path);
  return {
    target: abs,
    path,
    async commit() {
      if (await stat(abs).catch(() => undefined)) {
        const aside = `${path}.old`;
        await rename(abs, aside);
        await rename(path, abs);
        await rm(aside, { recursive: true, force: true });
      } else {
        await rename(path, abs);
      }
    },
    async discard() {
      await rm(path, { recursive: true, force: true });
    },
  };
}
