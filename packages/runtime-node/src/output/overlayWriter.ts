/**
 * Overlay video/GIF writer: each frame is coloured by its label map (core `overlayLabels`, VOC
 * palette, α = 0.5) and piped as raw RGB24 into ffmpeg's stdin, which encodes it — `.gif` with a
 * palette generated per frame (palettegen `stats_mode=single`, paletteuse `new=1`: streamed, where
 * a palette for the whole video would make ffmpeg hold every frame), `.mp4` as H.264 yuv420p (sizes rounded down to even),
 * anything else with ffmpeg's default for the extension. Writes respect the pipe's backpressure.
 */
import { spawn } from 'node:child_process';
import { extname } from 'node:path';
import { InputError, overlayLabels, type RgbFrame } from '@slotmatch/core';
import { vocColormap } from '@slotmatch/metrics';
import { ffmpegError, ffmpegPath } from '../frames/ffmpeg.js';

/** Streams overlay frames into an encoded file. */
export interface OverlayWriter {
  write(frame: RgbFrame, labels: Uint8Array): Promise<void>;
  /** Finish encoding; rejects when ffmpeg failed. */
  close(): Promise<void>;
  /** Stop ffmpeg without finishing (on error). */
  abort(): void;
}

/**
 * ffmpeg output format and encoder options for an overlay file name (by extension): .gif, .mp4,
 * .mov, .mkv. Throws an InputError naming the file otherwise.
 */
export function overlayFormat(name: string): { format: string; codec: string[] } {
  const ext = extname(name).toLowerCase();
  if (ext === '.gif') {
    return {
      format: 'gif',
      codec: [
        '-vf',
        'split[a][b];[a]palettegen=stats_mode=single:reserve_transparent=0[p];[b][p]paletteuse=new=1',
        '-loop',
        '0',
      ],
    };
  }
  const video: Record<string, string> = { '.mp4': 'mp4', '.mov': 'mov', '.mkv': 'matroska' };
  const format = video[ext];
  if (!format) throw new InputError(name, 'overlay must end in .gif, .mp4, .mov or .mkv');
  return {
    format,
    codec: [
      '-vf',
      'scale=trunc(iw/2)*2:trunc(ih/2)*2',
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
    ],
  };
}

/** Options of {@link createOverlayWriter}. */
export interface OverlayOptions {
  /** Frames per second (default 24, the DAVIS rate). */
  readonly fps?: number;
  /** Blend weight of the label colour (default 0.5). */
  readonly alpha?: number;
  /** The name whose extension picks the format, when `path` is a temporary name (default `path`). */
  readonly formatName?: string;
}

/** Start an ffmpeg encoder writing `path` (rule in the file header). */
export function createOverlayWriter(
  path: string,
  width: number,
  height: number,
  options: OverlayOptions = {},
): OverlayWriter {
  const fps = options.fps ?? 24;
  const alpha = options.alpha ?? 0.5;
  const { format, codec } = overlayFormat(options.formatName ?? path);
  const child = spawn(
    ffmpegPath(),
    [
      '-v',
      'error',
      '-y',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${width}x${height}`,
      '-r',
      String(fps),
      '-i',
      '-',
      ...codec,
      '-f',
      format,
      path,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 65536) stderr += d;
  });
  let failure: Error | undefined;
  const exited = new Promise<void>((res, rej) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      failure = new InputError(
        'ffmpeg',
        e.code === 'ENOENT' ? 'not found; install ffmpeg or set SLOTMATCH_FFMPEG' : e.message,
      );
      rej(failure);
    });
    child.on('close', (code) => {
      if (code === 0) res();
      else {
        failure = new InputError(path, `ffmpeg could not write the overlay: ${ffmpegError(stderr)}`);
        rej(failure);
      }
    });
  });
  exited.catch(() => {});
  child.stdin.on('error', () => {});
  const palette = vocColormap();
  return {
    async write(frame, labels) {
      if (failure) throw failure;
      if (frame.width !== width || frame.height !== height) {
        throw new InputError(
          'overlay',
          `frame of ${frame.width}×${frame.height} in a ${width}×${height} overlay video`,
        );
      }
      const rgb = overlayLabels(frame, labels, palette, alpha);
      if (!child.stdin.write(rgb.data)) {
        await new Promise<void>((res) => {
          const done = () => {
            child.stdin.off('drain', done);
            child.off('close', done);
            res();
          };
          child.stdin.on('drain', done);
          child.on('close', done);
        });
      }
      if (failure) throw failure;
    },
    async close() {
      child.stdin.end();
      await exited;
    },
    abort() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
