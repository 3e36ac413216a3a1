/**
 * Locating and running ffmpeg/ffprobe. Binaries, first found: $SLOTMATCH_FFMPEG /
 * $SLOTMATCH_FFPROBE; the binary shipped inside the npm packages `@ffmpeg-installer/ffmpeg` /
 * `@ffprobe-installer/ffprobe` when the application installed them (optional, not dependencies of
 * this package); else `ffmpeg` / `ffprobe` on PATH (Debian's `ffmpeg` package ships both).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { InputError } from '@slotmatch/core';

/** The `path` export of an installer package, or undefined when it is not installed. */
function packagedBinary(name: string): string | undefined {
  try {
    const path = (createRequire(import.meta.url)(name) as { path?: unknown }).path;
    return typeof path === 'string' && path !== '' ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Path (or name on PATH) of ffmpeg (order in the file header). */
export function ffmpegPath(): string {
  return process.env.SLOTMATCH_FFMPEG || packagedBinary('@ffmpeg-installer/ffmpeg') || 'ffmpeg';
}

/** Path (or name on PATH) of ffprobe (order in the file header). */
export function ffprobePath(): string {
  return process.env.SLOTMATCH_FFPROBE || packagedBinary('@ffprobe-installer/ffprobe') || 'ffprobe';
}

/** The last meaningful line of an ffmpeg stderr (its error message). */
export function ffmpegError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(ffmpeg|ffprobe) version|^built with|^configuration:|^lib\w+\s/.test(l));
  // Drop the "[mjpeg @ 0x55…] " context prefix of library messages.
  return (lines.at(-1) ?? 'no error message').replace(/^\[[\w:.-]+ @ 0x[0-9a-f]+\]\s*/, '');
}

/** Run a tool to completion; resolve to its stdout, reject with an InputError naming `subject`. */
export function runTool(tool: string, args: readonly string[], subject: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (err.length < 65536) err += d;
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        new InputError(
          tool,
          e.code === 'ENOENT'
            ? `not found; install ffmpeg (Debian: apt-get install ffmpeg) or set SLOTMATCH_${tool.includes('probe') ? 'FFPROBE' : 'FFMPEG'}`
            : e.message,
        ),
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolvePromise(out);
      else reject(new InputError(subject, `ffmpeg cannot read it: ${ffmpegError(err)}`));
    });
  });
}

/** Width, height and frame rate of the first video stream of a file (ffprobe). */
export interface VideoInfo {
  readonly width: number;
  readonly height: number;
  /** Frames per second (from r_frame_rate), or undefined when unknown (e.g. single images). */
  readonly fps: number | undefined;
  /** Number of frames when the container says so. */
  readonly frames: number | undefined;
}

/** Probe a video or image file with ffprobe. */
export async function probeVideo(path: string): Promise<VideoInfo> {
  const out = await runTool(
    ffprobePath(),
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width,height,r_frame_rate,nb_frames',
      '-of',
      'json',
      path,
    ],
    path,
  );
  let stream: { width?: number; height?: number; r_frame_rate?: string; nb_frames?: string } | undefined;
  try {
    stream = JSON.parse(out).streams?.[0];
  } catch {
    stream = undefined;
  }
  if (!stream || !(Number(stream.width) > 0) || !(Number(stream.height) > 0)) {
    throw new InputError(path, 'ffmpeg cannot read it: no video stream');
  }
  const [num, den] = (stream.r_frame_rate ?? '').split('/').map(Number);
  const fps = num && den ? num / den : undefined;
  const frames = Number(stream.nb_frames);
  return {
    width: Number(stream.width),
    height: Number(stream.height),
    fps: fps && Number.isFinite(fps) && fps > 0 && fps < 1000 ? fps : undefined,
    frames: Number.isInteger(frames) && frames > 0 ? frames : undefined,
  };
}
