/**
 * Outputs appear complete or not at all: a command writes into a temporary sibling
 * (`<target>.partial-<pid>-<random>`) and renames it onto the target only after everything
 * succeeded; on error the temporary is removed. An existing target is replaced (moved aside,
 * then deleted after the rename).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** A temporary path that becomes `target` on `commit()`. */
export interface AtomicPath {
  readonly target: string;
  readonly temporary: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** Reserve a temporary sibling of `target` (rule in the file header); `folder` creates it as a directory. */
export async function atomicPath(target: string, folder: boolean): Promise<AtomicPath> {
  const abs = resolve(target);
  await mkdir(dirname(abs), { recursive: true });
  const temporary = join(
    dirname(abs),
    `.${basename(abs)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  if (folder) await mkdir(temporary);
  return {
    target: abs,
    temporary,
    async commit() {
      const existing = await stat(abs).catch(() => undefined);
      if (existing) {
        const aside = `${temporary}.old`;
        await rename(abs, aside);
        await rename(temporary, abs);
        await rm(aside, { recursive: true, force: true });
      } else {
        await rename(temporary, abs);
      }
    },
    async discard() {
      await rm(temporary, { recursive: true, force: true });
    },
  };
}
