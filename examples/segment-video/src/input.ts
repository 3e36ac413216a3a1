/**
 * The input of the example: a video file (anything ffmpeg decodes) or a folder of frames (*.jpg,
 * *.jpeg, *.png in name order, DAVIS `JPEGImages/<sequence>` layout). It is probed before any model
 * work so that a missing, empty or undecodable input fails at once, before an output exists.
 */
import { stat } from 'node:fs/promises';
import { InputError, type RgbFrame } from '@slotmatch/core';
import { listImages, probeVideo, readImageFolder, readVideoFrames } from '@slotmatch/runtime-node';

/** An opened input: lazily decoded frames plus what the probe learnt. */
export interface OpenedInput {
  readonly kind: 'video' | 'folder';
  readonly width: number;
  readonly height: number;
  /** Frame rate of a video when the container says so. */
  readonly fps: number | undefined;
  /** Frame count when known (images in a folder; the container's count for a video). */
  readonly frameCount: number | undefined;
  readonly frames: AsyncGenerator<RgbFrame, void, undefined>;
}

/** Probe `path` and return its frames (rule in the file header). */
export async function openInput(path: string, maxFrames?: number): Promise<OpenedInput> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InputError(path, 'input video or frame folder does not exist');
  const limit = maxFrames !== undefined ? { maxFrames } : {};
  const cap = (n: number | undefined) =>
    n === undefined || maxFrames === undefined ? (n ?? maxFrames) : Math.min(n, maxFrames);
  if (info.isDirectory()) {
    const images = await listImages(path);
    if (images.length === 0) throw new InputError(path, 'holds no .jpg, .jpeg or .png frames');
    const first = await probeVideo(`${path}/${images[0]}`);
    return {
      kind: 'folder',
      width: first.width,
      height: first.height,
      fps: undefined,
      frameCount: cap(images.length),
      frames: readImageFolder(path, limit),
    };
  }
  const video = await probeVideo(path);
  return {
    kind: 'video',
    width: video.width,
    height: video.height,
    fps: video.fps,
    frameCount: cap(video.frames),
    frames: readVideoFrames(path, { ...limit, info: video }),
  };
}
