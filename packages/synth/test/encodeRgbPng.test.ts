import { inflateSync } from 'node:zlib';
import { crc32, encodeRgbPng } from '@slotmatch/metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/index.js';

/**
 * Test-only decoder of 8-bit RGB PNGs written by encodeRgbPng (one IDAT): checks every chunk CRC,
 * undoes the five row filters of PNG spec §9 with 3 bytes per pixel. Returns the filter types too.
 */
function decodeRgb(png: Uint8Array): { width: number; height: number; rgb: Uint8Array; filters: number[] } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let idat: Uint8Array = new Uint8Array(0);
  while (pos < png.length) {
    const len = view.getUint32(pos);
    const type = Buffer.from(png.subarray(pos + 4, pos + 8)).toString('latin1');
    expect(crc32(png, pos + 4, pos + 8 + len)).toBe(view.getUint32(pos + 8 + len));
    if (type === 'IHDR') {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      expect([...png.subarray(pos + 16, pos + 21)]).toEqual([8, 2, 0, 0, 0]);
    }
    if (type === 'IDAT') idat = png.subarray(pos + 8, pos + 8 + len);
    pos += 12 + len;
  }
  const raw = inflateSync(idat);
  const stride = width * 3;
  const rgb = new Uint8Array(stride * height);
  const filters: number[] = [];
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    filters.push(f);
    for (let i = 0; i < stride; i++) {
      const a = i >= 3 ? rgb[y * stride + i - 3]! : 0;
      const b = y > 0 ? rgb[(y - 1) * stride + i]! : 0;
      const c = i >= 3 && y > 0 ? rgb[(y - 1) * stride + i - 3]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][f]!;
      rgb[y * stride + i] = (raw[y * (stride + 1) + 1 + i]! + pred) & 0xff;
    }
  }
  return { width, height, rgb, filters };
}

describe('encodeRgbPng', () => {
  it('round-trips RGB images through every row filter', () => {
    const used = new Set<number>();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer(),
        (w, h, kind, seed) => {
          const r = createRandom(seed);
          const rgb = new Uint8Array(w * h * 3);
          for (let y = 0; y < h; y++) {
            for (let x = 0; x < w; x++) {
              for (let c = 0; c < 3; c++) {
                const noise = r.int(0, 255);
                const v = [
                  noise,
                  x * 9 + c * 40,
                  y * 13 + x * 3 + c,
                  (x * 7 + y * 11 + (noise & 7)) * (c + 1),
                ][kind]!;
                rgb[(y * w + x) * 3 + c] = v & 0xff;
              }
            }
          }
          const decoded = decodeRgb(encodeRgbPng(rgb, w, h));
          expect([decoded.width, decoded.height]).toEqual([w, h]);
          expect(Buffer.from(decoded.rgb).equals(Buffer.from(rgb))).toBe(true);
          for (const f of decoded.filters) used.add(f);
        },
      ),
      { numRuns: 300 },
    );
    expect([...used].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('rejects a size mismatch and non-byte values', () => {
    expect(() => encodeRgbPng(new Uint8Array(5), 2, 1)).toThrow(/^rgb: has 5 values, expected/);
    expect(() => encodeRgbPng([0, 0, 300], 1, 1)).toThrow(/^rgb: value 300 at byte 2/);
    expect(() => encodeRgbPng(new Uint8Array(0), 0, 1)).toThrow(/^size:/);
  });
});
