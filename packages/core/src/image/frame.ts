/**
 * Interleaved 8-bit frames as every runtime hands them to the pipeline: RGB (3 bytes per pixel,
 * e.g. ffmpeg `rgb24`, decoded JPEG) or RGBA (4 bytes per pixel, e.g. canvas `ImageData`,
 * `VideoFrame.copyTo` in RGBA/RGBX). Row-major, top row first, no padding between rows.
 */
import { InputError } from '../errors/index.js';

/** Pixel layout of a {@link RgbFrame}. */
export type PixelFormat = 'rgb' | 'rgba';

/** An interleaved 8-bit RGB or RGBA frame. */
export interface RgbFrame {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
}

/** Bytes per pixel of a format: 3 for RGB, 4 for RGBA. */
export function bytesPerPixel(format: PixelFormat): 3 | 4 {
  return format === 'rgba' ? 4 : 3;
}

/**
 * Check a frame: positive integer size, a known format and data.length = width·height·bytesPerPixel.
 * Throws an InputError naming `subject` otherwise.
 */
export function validateFrame(frame: unknown, subject = 'frame'): asserts frame is RgbFrame {
  if (
    typeof frame !== 'object' ||
    frame === null ||
    !('data' in frame && 'width' in frame && 'height' in frame)
  ) {
    throw new InputError(
      subject,
      `expected an RGB/RGBA frame object { data, width, height, format }, got ${describe(frame)}`,
    );
  }
  const f = frame as Partial<RgbFrame>;
  if (f.format !== 'rgb' && f.format !== 'rgba') {
    throw new InputError(subject, `format must be "rgb" or "rgba", got ${JSON.stringify(f.format)}`);
  }
  if (!(f.data instanceof Uint8Array || f.data instanceof Uint8ClampedArray)) {
    throw new InputError(subject, `data must be a Uint8Array or Uint8ClampedArray, got ${describe(f.data)}`);
  }
  for (const key of ['width', 'height'] as const) {
    const v = f[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new InputError(subject, `${key} must be a positive integer, got ${String(v)}`);
    }
  }
  const expected = f.width! * f.height! * bytesPerPixel(f.format);
  if (f.data.length !== expected) {
    throw new InputError(
      subject,
      `${f.format.toUpperCase()} data of ${f.width}×${f.height} needs ${expected} bytes, got ${f.data.length}`,
    );
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return (v as object).constructor?.name ?? 'object';
}

/** Drop the alpha byte of an RGBA frame: out[3p + c] = in[4p + c], c ∈ {R, G, B}. */
export function rgbaToRgb(frame: RgbFrame): RgbFrame {
  validateFrame(frame);
  if (frame.format === 'rgb') return frame;
  const n = frame.width * frame.height;
  const out = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    out[p * 3] = frame.data[p * 4]!;
    out[p * 3 + 1] = frame.data[p * 4 + 1]!;
    out[p * 3 + 2] = frame.data[p * 4 + 2]!;
  }
  return { data: out, width: frame.width, height: frame.height, format: 'rgb' };
}

/** Add an opaque alpha byte to an RGB frame: out[4p + c] = in[3p + c], out[4p + 3] = 255. */
export function rgbToRgba(frame: RgbFrame): RgbFrame {
  validateFrame(frame);
  if (frame.format === 'rgba') return frame;
  const n = frame.width * frame.height;
  const out = new Uint8Array(n * 4);
  for (let p = 0; p < n; p++) {
    out[p * 4] = frame.data[p * 3]!;
    out[p * 4 + 1] = frame.data[p * 3 + 1]!;
    out[p * 4 + 2] = frame.data[p * 3 + 2]!;
    out[p * 4 + 3] = 255;
  }
  return { data: out, width: frame.width, height: frame.height, format: 'rgba' };
}
