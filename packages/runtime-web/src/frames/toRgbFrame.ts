/**
 * Browser frame sources → the pipeline's RGBA frames. `ImageData` is used as is (its bytes are
 * RGBA); `ImageBitmap`, `VideoFrame`, `HTMLVideoElement` (its current frame), `HTMLImageElement`,
 * `HTMLCanvasElement` and `OffscreenCanvas` are drawn at their natural size onto a reusable 2D
 * canvas and read back with `getImageData` (a copy, so the source may change or be closed once
 * the pipeline has pulled it). Plain `{ data, width, height, format }` frames pass through.
 */
import { InputError, type RgbFrame, validateFrame } from '@slotmatch/core';

/** Anything the browser runtime accepts as a frame. */
export type WebFrame =
  | RgbFrame
  | ImageData
  | ImageBitmap
  | VideoFrame
  | HTMLVideoElement
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas;

type Ctx = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/** Converts frames with one reusable canvas. */
export class FrameGrabber {
  private canvas: OffscreenCanvas | HTMLCanvasElement | undefined;
  private ctx: Ctx | undefined;

  private context(width: number, height: number): Ctx {
    if (!this.canvas) {
      this.canvas =
        typeof OffscreenCanvas !== 'undefined'
          ? new OffscreenCanvas(width, height)
          : globalThis.document.createElement('canvas');
      const ctx = this.canvas.getContext('2d', { willReadFrequently: true }) as Ctx | null;
      if (!ctx) throw new InputError('canvas', 'no 2D context available to read frames');
      this.ctx = ctx;
    }
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
    return this.ctx!;
  }

  /** The RGBA pixels of `source` (rules in the file header); `subject` names it in errors. */
  grab(source: unknown, subject = 'frame'): RgbFrame {
    const g = globalThis as Record<string, unknown>;
    const is = (name: string) =>
      typeof g[name] === 'function' && source instanceof (g[name] as new () => unknown);
    if (is('ImageData')) {
      const d = source as ImageData;
      return { data: d.data, width: d.width, height: d.height, format: 'rgba' };
    }
    let width: number;
    let height: number;
    if (is('VideoFrame')) {
      const f = source as VideoFrame;
      width = f.displayWidth;
      height = f.displayHeight;
    } else if (is('HTMLVideoElement')) {
      const v = source as HTMLVideoElement;
      if (v.readyState < 2)
        throw new InputError(
          subject,
          'the video element has no current frame yet (readyState < HAVE_CURRENT_DATA)',
        );
      width = v.videoWidth;
      height = v.videoHeight;
    } else if (is('HTMLImageElement')) {
      const i = source as HTMLImageElement;
      if (!i.complete || i.naturalWidth === 0) throw new InputError(subject, 'the image has not loaded');
      width = i.naturalWidth;
      height = i.naturalHeight;
    } else if (is('ImageBitmap') || is('HTMLCanvasElement') || is('OffscreenCanvas')) {
      const b = source as ImageBitmap;
      width = b.width;
      height = b.height;
    } else if (typeof source === 'object' && source !== null && 'data' in source && 'format' in source) {
      validateFrame(source, subject);
      return source;
    } else {
      const kind =
        source === null
          ? 'null'
          : typeof source === 'object'
            ? (source.constructor?.name ?? 'object')
            : typeof source;
      throw new InputError(
        subject,
        `expected an HTMLVideoElement, VideoFrame, ImageBitmap, ImageData, image, canvas or { data, width, height, format } frame, got ${kind}`,
      );
    }
    if (!(width > 0 && height > 0)) throw new InputError(subject, `has no pixels (${width}×${height})`);
    const ctx = this.context(width, height);
    ctx.clearRect(0, 0, width, height);
    ctx.drawImage(source as CanvasImageSource, 0, 0, width, height);
    const d = ctx.getImageData(0, 0, width, height);
    return { data: d.data, width, height, format: 'rgba' };
  }
}

/** Map a sequence of browser frames to RGBA frames, converting each one when the pipeline pulls it. */
export async function* toRgbFrames(
  frames: Iterable<WebFrame> | AsyncIterable<WebFrame>,
  options: { closeVideoFrames?: boolean } = {},
): AsyncGenerator<RgbFrame, void, undefined> {
  if (
    frames === null ||
    typeof frames !== 'object' ||
    !(Symbol.iterator in frames || Symbol.asyncIterator in frames)
  ) {
    throw new InputError('frames', 'must be an iterable or async iterable of frames');
  }
  const grabber = new FrameGrabber();
  let i = 0;
  for await (const f of frames) {
    const frame = grabber.grab(f, `frame ${i++}`);
    if (options.closeVideoFrames && typeof VideoFrame !== 'undefined' && f instanceof VideoFrame) f.close();
    yield frame;
  }
}

/**
 * Frames of an HTMLVideoElement sampled at `fps` (default 24) from `start` to `end` seconds (default
 * the whole video) by seeking: t_i = start + i/fps. Pauses the video; deterministic whatever the
 * machine's speed.
 */
export async function* videoElementFrames(
  video: HTMLVideoElement,
  options: { fps?: number; start?: number; end?: number } = {},
): AsyncGenerator<RgbFrame, void, undefined> {
  if (typeof HTMLVideoElement === 'undefined' || !(video instanceof HTMLVideoElement)) {
    throw new InputError('video', 'must be an HTMLVideoElement');
  }
  const fps = options.fps ?? 24;
  if (!(fps > 0)) throw new InputError('fps', `must be > 0, got ${fps}`);
  if (video.readyState < 1) {
    await new Promise<void>((res, rej) => {
      video.addEventListener('loadedmetadata', () => res(), { once: true });
      video.addEventListener(
        'error',
        () => rej(new InputError('video', `cannot be decoded (${video.error?.message ?? 'media error'})`)),
        {
          once: true,
        },
      );
    });
  }
  video.pause();
  const start = options.start ?? 0;
  const end = Math.min(options.end ?? video.duration, video.duration);
  const grabber = new FrameGrabber();
  for (let i = 0; ; i++) {
    const t = start + i / fps;
    if (!(t < end)) return;
    if (video.currentTime !== t || video.readyState < 2) {
      await new Promise<void>((res, rej) => {
        video.addEventListener('seeked', () => res(), { once: true });
        video.addEventListener('error', () => rej(new InputError('video', 'error while seeking')), {
          once: true,
        });
        video.currentTime = t;
      });
    }
    yield grabber.grab(video, `frame ${i}`);
  }
}
