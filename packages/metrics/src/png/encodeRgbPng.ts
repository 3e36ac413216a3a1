import { deflateSync } from 'node:zlib';
import { InputError } from '@slotmatch/core';
import { pngChunk } from './encodePalettePng.js';

/** Paeth predictor of PNG filter type 4 (PNG spec §9.4): the one of a, b, c closest to a + b − c. */
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Apply PNG filter `filter` (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth; 3 bytes per pixel) to a row. */
function filterRow(filter: number, cur: ArrayLike<number>, prev: ArrayLike<number>, out: Uint8Array): void {
  const n = out.length;
  switch (filter) {
    case 0:
      for (let i = 0; i < n; i++) out[i] = cur[i]!;
      break;
    case 1:
      for (let i = 0; i < n; i++) out[i] = cur[i]! - (i >= 3 ? cur[i - 3]! : 0);
      break;
    case 2:
      for (let i = 0; i < n; i++) out[i] = cur[i]! - prev[i]!;
      break;
    case 3:
      for (let i = 0; i < n; i++) out[i] = cur[i]! - (((i >= 3 ? cur[i - 3]! : 0) + prev[i]!) >> 1);
      break;
    default:
      for (let i = 0; i < n; i++) {
        out[i] = cur[i]! - (i >= 3 ? paeth(cur[i - 3]!, prev[i]!, prev[i - 3]!) : paeth(0, prev[i]!, 0));
      }
  }
}

/** Copy a plain array of pixel values into bytes, refusing anything but integers 0..255. */
function checkedBytes(rgb: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) {
    const v = rgb[i]!;
    if (!(v >= 0 && v <= 255 && Number.isInteger(v))) {
      throw new InputError('rgb', `value ${v} at byte ${i} is not an 8-bit value`);
    }
    bytes[i] = v;
  }
  return bytes;
}

/**
 * Encode an interleaved 8-bit RGB image (3 bytes per pixel, row-major, top row first) as a
 * truecolour PNG (colour type 2, bit depth 8, not interlaced). Each row takes the filter that
 * minimises the sum of absolute filtered bytes read as signed — the adaptive heuristic the PNG
 * spec recommends (§12.8) and libpng uses — then zlib deflate (level 6). The output is a pure
 * function of the pixels and the zlib build, so equal pixels give equal files on one Node version.
 */
export function encodeRgbPng(rgb: ArrayLike<number>, width: number, height: number): Uint8Array {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new InputError('size', `width and height must be positive integers, got ${width}×${height}`);
  }
  const stride = width * 3;
  if (rgb.length !== stride * height) {
    throw new InputError('rgb', `has ${rgb.length} values, expected width·height·3 = ${width}·${height}·3`);
  }
  const bytes = rgb instanceof Uint8Array || rgb instanceof Uint8ClampedArray ? rgb : checkedBytes(rgb);
  const raw = new Uint8Array((stride + 1) * height);
  const candidate = new Uint8Array(stride);
  const zero = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const cur = bytes.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? bytes.subarray((y - 1) * stride, y * stride) : zero;
    const out = y * (stride + 1);
    let bestScore = Number.POSITIVE_INFINITY;
    for (let filter = 0; filter <= 4; filter++) {
      filterRow(filter, cur, prev, candidate);
      let score = 0;
      for (let i = 0; i < stride; i++) {
        const f = candidate[i]!;
        score += f < 128 ? f : 256 - f;
      }
      if (score < bestScore) {
        bestScore = score;
        raw[out] = filter;
        raw.set(candidate, out + 1);
      }
    }
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 6 })),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}
