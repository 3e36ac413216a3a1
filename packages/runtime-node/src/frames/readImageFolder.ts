/**
 * Frames of an image folder (DAVIS `JPEGImages/<sequence>` layout): every *.jpg, *.jpeg and *.png
 * file, in file-name order, decoded by one ffmpeg process through its concat demuxer (a list file
 * naming each image), streamed like a video (readVideo.ts). Every image is brought to the size of
 * the first (they share one size in DAVIS and in videos split into frames).
 */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError, type RgbFrame } from '@slotmatch/core';
import { ffmpegPath, probeVideo, runTool } from './ffmpeg.js';
import { readVideoFrames } from './readVideo.js';

const IMAGE = /\.(jpe?g|png)$/i;

/** Image files of a folder in name order (numeric-aware: 2.jpg before 10.jpg). */
export async function listImages(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new InputError(
      folder,
      e.code === 'ENOENT' ? 'folder does not exist' : `cannot be listed (${e.code})`,
    );
  });
  return entries
    .filter((e) => e.isFile() && IMAGE.test(e.name))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * The first image from index `from` on that ffmpeg fails to decode, as "<folder>/<name>" (used only
 * after a failed folder decode, to name the broken file).
 */
async function findUnreadableImage(
  root: string,
  names: readonly string[],
  from: number,
): Promise<string | undefined> {
  for (let i = from; i < names.length; i++) {
    const path = join(root, names[i]!);
    try {
      await runTool(
        ffmpegPath(),
        ['-v', 'error', '-xerror', '-nostdin', '-i', path, '-f', 'null', '-'],
        path,
      );
    } catch {
      return path;
    }
  }
  return undefined;
}

/** Stream the images of `folder` as RGB frames (rule in the file header). */
export async function* readImageFolder(
  folder: string,
  options: { maxFrames?: number } = {},
): AsyncGenerator<RgbFrame, void, undefined> {
  const names = await listImages(folder);
  if (names.length === 0) throw new InputError(folder, 'holds no .jpg, .jpeg or .png images');
  const root = resolve(folder);
  const info = await probeVideo(join(root, names[0]!));
  const listDir = await mkdtemp(join(tmpdir(), 'slotmatch-frames-'));
  try {
    const list = join(listDir, 'frames.txt');
    // concat demuxer syntax: one `file '<path>'` per image, quotes escaped as '\''.
    await writeFile(
      list,
      `ffconcat version 1.0\n${names.map((n) => `file '${join(root, n).replaceAll("'", "'\\''")}'\nduration 1\n`).join('')}`,
    );
    yield* readVideoFrames(list, {
      info,
      subject: folder,
      strict: true,
      expectedFrames: names.length,
      explainFailure: (read) => findUnreadableImage(root, names, Math.max(0, read - 8)),
      inputArgs: ['-f', 'concat', '-safe', '0'],
      ...(options.maxFrames !== undefined ? { maxFrames: options.maxFrames } : {}),
    });
  } finally {
    await rm(listDir, { recursive: true, force: true });
  }
}

/** Frames of a video file or an image folder, whichever `path` is. */
export async function* readFrames(
  path: string,
  options: { maxFrames?: number } = {},
): AsyncGenerator<RgbFrame, void, undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InputError(path, 'does not exist');
  if (info.isDirectory()) yield* readImageFolder(path, options);
  else yield* readVideoFrames(path, options);
}
