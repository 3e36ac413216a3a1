import { InputError } from '@slotmatch/core';

/** The dataset splits. The test split is for evaluation only: never train on it. */
export const SPLITS = ['train', 'validation', 'test'] as const;
/** One of {@link SPLITS}. */
export type SplitName = (typeof SPLITS)[number];

/** Check a split name (InputError naming `subject` otherwise). */
export function parseSplit(name: string, subject = 'split'): SplitName {
  if (!(SPLITS as readonly string[]).includes(name)) {
    throw new InputError(subject, `must be one of ${SPLITS.join(', ')}, got ${JSON.stringify(name)}`);
  }
  return name as SplitName;
}

/**
 * The seed key of video `index` of a split: "<seed>/<split>/<index>". The split name is part of
 * the key, so the splits of one seed are drawn from different PRNG streams (disjoint by
 * construction), and "/" never occurs inside a part, so distinct (seed, split, index) triples give
 * distinct keys. `generateVideo(params, key)` regenerates the video alone.
 */
export function videoKey(seed: number, split: SplitName, index: number): string {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InputError('seed', `must be a non-negative integer, got ${seed}`);
  }
  return `${seed}/${split}/${index}`;
}

/** Folder name of video `index`: "<split>-<index>", the index zero-padded to 4 digits (or more). */
export function videoName(split: SplitName, index: number): string {
  return `${split}-${String(index).padStart(4, '0')}`;
}

/** Frame file name: the frame index zero-padded to 5 digits as in DAVIS (00000.png), wider if needed. */
export function frameName(index: number, frames: number): string {
  return `${String(index).padStart(Math.max(5, String(frames - 1).length), '0')}.png`;
}
