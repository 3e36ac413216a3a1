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
  const raw = new Uint8Array((stride + 1) * height);
  const candidate = new Uint8Array(stride);
  const best = new Uint8Array(stride);
  let previous = new Uint8Array(stride);
  let current = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < stride; i++) {
      const v = rgb[y * stride + i]!;
      if (!(v >= 0 && v <= 255 && Number.isInteger(v))) {
        throw new InputError('rgb', `value ${v} at byte ${y * stride + i} is not an 8-bit value`);
      }
      current[i] = v;
    }
    let bestFilter = 0;
    let bestScore = Number.POSITIVE_INFINITY;
    for (let filter = 0; filter <= 4; filter++) {
      let score = 0;
      for (let i = 0; i < stride; i++) {
        const a = i >= 3 ? current[i - 3]! : 0;
        const b = y > 0 ? previous[i]! : 0;
        const c = i >= 3 && y > 0 ? previous[i - 3]! : 0;
        const predictor =
          filter === 0
            ? 0
            : filter === 1
              ? a
              : filter === 2
                ? b
                : filter === 3
                  ? (a + b) >> 1
                  : paeth(a, b, c);
        const f = (current[i]! - predictor) & 0xff;
        candidate[i] = f;
        score += f < 128 ? f : 256 - f;
      }
      if (score < bestScore) {
        bestScore = score;
        bestFilter = filter;
        best.set(candidate);
      }
    }
    raw[y * (stride + 1)] = bestFilter;
    raw.set(best, y * (stride + 1) + 1);
    [previous, current] = [current, previous];
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
