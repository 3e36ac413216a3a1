/** The CLI's input: a video file or an image folder, with its frame count and rate when known. */
import { stat } from 'node:fs/promises';
import { InputError, type RgbFrame } from '@slotmatch/core';
import { probeVideo } from '../frames/ffmpeg.js';
import { listImages, readImageFolder } from '../frames/readImageFolder.js';
import { readVideoFrames } from '../frames/readVideo.js';

export interface InputVideo {
  readonly frames: AsyncGenerator<RgbFrame, void, undefined>;
  readonly total: number | undefined;
  readonly fps: number | undefined;
}

/** Open `path` (video file or image folder) and check it is readable before any model work. */
export async function openInput(path: string, maxFrames: number | undefined): Promise<InputVideo> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InputError(path, 'input video or image folder does not exist');
  const limit = maxFrames !== undefined ? { maxFrames } : {};
  const cap = (n: number | undefined) =>
    n === undefined ? maxFrames : maxFrames === undefined ? n : Math.min(n, maxFrames);
  if (info.isDirectory()) {
    const images = await listImages(path);
    if (images.length === 0) throw new InputError(path, 'holds no .jpg, .jpeg or .png images');
    return { frames: readImageFolder(path, limit), total: cap(images.length), fps: undefined };
  }
  const video = await probeVideo(path);
  return {
    frames: readVideoFrames(path, { ...limit, info: video }),
    total: cap(video.frames),
    fps: video.fps,
  };
}
