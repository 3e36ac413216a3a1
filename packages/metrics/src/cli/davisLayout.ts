import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@slotmatch/core';
import { decodePng, type LabelImage } from '../png/index.js';

/** Sequences of a DAVIS-layout root (`<root>/<sequence>/<frame>.png`), sorted. */
export function listSequences(root: string): string[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new InputError(root, 'folder not found');
  return readdirSync(root)
    .filter((d) => statSync(join(root, d)).isDirectory())
    .sort();
}

/** The frame files of one sequence in GT and prediction folders. */
export interface SequenceFrames {
  readonly sequence: string;
  readonly gtDir: string;
  readonly predDir: string;
  /** Frame file names (`00000.png`, …), sorted; the same in both folders. */
  readonly frames: string[];
}

/**
 * List one sequence's frames without reading them: every GT frame name must exist in the
 * prediction folder and no extra prediction PNG may be there.
 */
export function sequenceFrames(gtRoot: string, predRoot: string, sequence: string): SequenceFrames {
  const gtDir = join(gtRoot, sequence);
  const predDir = join(predRoot, sequence);
  if (!existsSync(gtDir) || !statSync(gtDir).isDirectory()) {
    throw new InputError(gtDir, 'sequence folder not found in the ground truth');
  }
  if (!existsSync(predDir)) throw new InputError(predDir, 'missing prediction folder for this sequence');
  const frames = readdirSync(gtDir)
    .filter((f) => f.endsWith('.png'))
    .sort();
  const predFrames = new Set(readdirSync(predDir).filter((f) => f.endsWith('.png')));
  for (const f of frames) {
    if (!predFrames.delete(f))
      throw new InputError(join(predDir, f), 'missing frame (the ground truth has it)');
  }
  const extra = [...predFrames].sort()[0];
  if (extra !== undefined) {
    throw new InputError(join(predDir, extra), 'extra frame (the ground truth has no such frame)');
  }
  return { sequence, gtDir, predDir, frames };
}

/** Read and decode one label PNG; errors name the file. */
export function readLabelPng(path: string): LabelImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new InputError(path, 'cannot read the file', { cause });
  }
  return decodePng(bytes, path);
}
