/**
 * Frames of a video file (or of an image-sequence pattern) streamed from ffmpeg's stdout as raw
 * RGB24 (`-f rawvideo -pix_fmt rgb24`): ffprobe gives the size W×H, then every W·H·3 bytes of
 * stdout is one frame. The stream is read on demand, so memory holds at most one pipe buffer plus
 * the frame being assembled whatever the video length; breaking out of the loop kills ffmpeg.
 */
import { spawn } from 'node:child_process';
import { InputError, type RgbFrame } from '@slotmatch/core';
import { ffmpegError, ffmpegPath, probeVideo, type VideoInfo } from './ffmpeg.js';

/** Options of {@link readVideoFrames}. */
export interface ReadVideoOptions {
  /** Stop after this many frames. */
  readonly maxFrames?: number;
  /** Extra ffmpeg input options placed before `-i` (e.g. ["-f", "concat", "-safe", "0"]). */
  readonly inputArgs?: readonly string[];
  /** Already known size (skips ffprobe). */
  readonly info?: VideoInfo;
  /** Name used in errors (default: the path). */
  readonly subject?: string;
  /** Stop at the first decoding error (ffmpeg `-xerror`) instead of skipping the broken frame. */
  readonly strict?: boolean;
  /** Frames the input must yield (image folders: the image count); fewer is an error. */
  readonly expectedFrames?: number;
  /** Called on failure to find a better error subject (e.g. the broken image of a folder). */
  readonly explainFailure?: (framesRead: number) => Promise<string | undefined>;
}

/** Stream the frames of `path` as RGB frames (rule in the file header). */
export async function* readVideoFrames(
  path: string,
  options: ReadVideoOptions = {},
): AsyncGenerator<RgbFrame, void, undefined> {
  const subject = options.subject ?? path;
  const info = options.info ?? (await probeVideo(path));
  const { width, height } = info;
  const frameBytes = width * height * 3;
  const args = [
    '-v',
    'error',
    '-nostdin',
    ...(options.strict ? ['-xerror'] : []),
    ...(options.inputArgs ?? []),
    '-i',
    path,
    ...(options.maxFrames !== undefined ? ['-frames:v', String(options.maxFrames)] : []),
    '-an',
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    // Keep the probed size even if a later frame differs (image sequences of mixed sizes).
    '-vf',
    `scale=${width}:${height}:flags=bicubic+accurate_rnd+full_chroma_int`,
    '-',
  ];
  const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 65536) stderr += d;
  });
  const exited = new Promise<number | null>((res, rej) => {
    child.on('error', (e: NodeJS.ErrnoException) =>
      rej(
        new InputError(
          'ffmpeg',
          e.code === 'ENOENT' ? 'not found; install ffmpeg or set SLOTMATCH_FFMPEG' : e.message,
        ),
      ),
    );
    child.on('close', (code) => res(code));
  });
  exited.catch(() => {});
  let finished = false;
  try {
    let frame = new Uint8Array(frameBytes);
    let filled = 0;
    let count = 0;
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - offset);
        frame.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === frameBytes) {
          yield { data: frame, width, height, format: 'rgb' };
          count++;
          frame = new Uint8Array(frameBytes);
          filled = 0;
        }
      }
    }
    const code = await exited;
    const want =
      options.maxFrames === undefined
        ? options.expectedFrames
        : Math.min(options.maxFrames, options.expectedFrames ?? Number.POSITIVE_INFINITY);
    const fail = async (rule: string) => {
      const culprit = await options.explainFailure?.(count).catch(() => undefined);
      return new InputError(culprit ?? subject, rule);
    };
    if (code !== 0) throw await fail(`ffmpeg cannot read it: ${ffmpegError(stderr)}`);
    if (filled !== 0)
      throw await fail(`ffmpeg stopped inside frame ${count} (${filled} of ${frameBytes} bytes)`);
    if (count === 0) throw await fail('ffmpeg decoded no frames');
    if (want !== undefined && Number.isFinite(want) && count < want) {
      throw await fail(`ffmpeg decoded ${count} of ${want} frames: ${ffmpegError(stderr)}`);
    }
    finished = true;
  } finally {
    if (!finished && child.exitCode === null) child.kill('SIGKILL');
  }
}
