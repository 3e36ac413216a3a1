import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '@slotmatch/core';
import { encodePalettePng, encodeRgbPng } from '@slotmatch/metrics';
import { generateVideo, type VideoDescription } from '../video/index.js';
import { resolveParams, type SynthParams } from '../world/index.js';
import { frameName, type SplitName, videoKey, videoName } from './splits.js';

/** What {@link writeSplit} writes. */
export interface WriteSplitOptions {
  /** Dataset root; the split goes to `<out>/<split>`. */
  readonly out: string;
  readonly split: SplitName;
  /** Dataset seed (non-negative safe integer); video i uses the key "<seed>/<split>/<i>". */
  readonly seed: number;
  /** Number of videos (1..100000). */
  readonly videos: number;
  readonly params?: Partial<SynthParams>;
  /** Replace an existing `<out>/<split>` (default: refuse). */
  readonly overwrite?: boolean;
  /** Abort between frames; the partial output is removed. */
  readonly signal?: AbortSignal;
  /** Called after every written frame. */
  readonly onProgress?: (progress: SplitProgress) => void;
}

/** Progress of a split being written. */
export interface SplitProgress {
  readonly split: SplitName;
  readonly videosDone: number;
  readonly videos: number;
  readonly framesDone: number;
  readonly frames: number;
}

/** One video's entry in meta.json. */
export interface VideoEntry extends VideoDescription {
  readonly name: string;
  /** SHA-256 (hex) of every frame's raw RGB bytes followed by its raw mask bytes, frame by frame. */
  readonly sha256: string;
}

/** The meta.json of a split. */
export interface SplitMeta {
  readonly generator: '@slotmatch/synth';
  readonly format: 1;
  readonly split: SplitName;
  /** True for the test split: evaluation only, trainers should refuse it. */
  readonly evaluationOnly: boolean;
  readonly seed: number;
  readonly params: SynthParams;
  readonly layout: { readonly frames: string; readonly masks: string };
  readonly videos: readonly VideoEntry[];
}

/** Written split: its folder, the video names and the counts. */
export interface SplitSummary {
  readonly dir: string;
  readonly meta: SplitMeta;
  readonly frames: number;
}

/**
 * Write one split in DAVIS layout:
 *   <out>/<split>/JPEGImages/<video>/00000.png   RGB PNG frames
 *   <out>/<split>/Annotations/<video>/00000.png  palette PNG masks (VOC colour map; 0 = background,
 *                                                1..N = object ids, stable over the video)
 *   <out>/<split>/ImageSets.txt                  video names, one a line (DAVIS ImageSets style)
 *   <out>/<split>/meta.json                      parameters, seed, per-video key, objects, SHA-256
 * Atomic: everything goes to a hidden sibling `<out>/.<split>.partial-<pid>-<hex>` that is renamed
 * to `<out>/<split>` only when complete; on error or abort it is removed. An existing split is an
 * InputError unless `overwrite` (then it is replaced after the new one is complete).
 */
export async function writeSplit(options: WriteSplitOptions): Promise<SplitSummary> {
  const { split, seed, videos, signal, onProgress } = options;
  const params = resolveParams(options.params);
  if (!Number.isInteger(videos) || videos < 1 || videos > 100000) {
    throw new InputError('videos', `must be an integer in 1..100000, got ${videos}`);
  }
  videoKey(seed, split, 0); // validates the seed
  const root = resolve(options.out);
  const target = join(root, split);
  const existing = await stat(target).catch(() => undefined);
  if (existing && !options.overwrite) {
    throw new InputError(target, 'already exists; pass overwrite (CLI: --overwrite) to replace it');
  }
  await mkdir(root, { recursive: true });
  const temporary = join(root, `.${split}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(temporary);
  const frames = videos * params.frames;
  let framesDone = 0;
  try {
    const entries: VideoEntry[] = [];
    for (let i = 0; i < videos; i++) {
      const name = videoName(split, i);
      const video = generateVideo(params, videoKey(seed, split, i));
      const frameDir = join(temporary, 'JPEGImages', name);
      const maskDir = join(temporary, 'Annotations', name);
      await mkdir(frameDir, { recursive: true });
      await mkdir(maskDir, { recursive: true });
      const hash = createHash('sha256');
      for (const { index, frame, mask } of video) {
        signal?.throwIfAborted();
        hash.update(frame.data);
        hash.update(mask);
        const file = frameName(index, params.frames);
        await writeFile(join(frameDir, file), encodeRgbPng(frame.data, frame.width, frame.height));
        await writeFile(join(maskDir, file), encodePalettePng(mask, frame.width, frame.height));
        framesDone++;
        onProgress?.({ split, videosDone: i, videos, framesDone, frames });
      }
      entries.push({ name, ...video.description, sha256: hash.digest('hex') });
      onProgress?.({ split, videosDone: i + 1, videos, framesDone, frames });
    }
    const meta: SplitMeta = {
      generator: '@slotmatch/synth',
      format: 1,
      split,
      evaluationOnly: split === 'test',
      seed,
      params,
      layout: { frames: 'JPEGImages/<video>/<frame>.png', masks: 'Annotations/<video>/<frame>.png' },
      videos: entries,
    };
    await writeFile(join(temporary, 'ImageSets.txt'), `${entries.map((e) => e.name).join('\n')}\n`);
    await writeFile(join(temporary, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    signal?.throwIfAborted();
    if (existing) {
      const aside = `${temporary}.old`;
      await rename(target, aside);
      await rename(temporary, target);
      await rm(aside, { recursive: true, force: true });
    } else {
      await rename(temporary, target);
    }
    return { dir: target, meta, frames };
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}
