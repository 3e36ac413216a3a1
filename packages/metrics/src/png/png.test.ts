import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePng } from './decodePng.js';
import { encodePalettePng, pngChunk, vocColormap } from './encodePalettePng.js';

/** A minimal PNG writer for test inputs of any colour type / bit depth (filter 0 rows). */
function pngOf(
  width: number,
  height: number,
  bitDepth: number,
  colourType: number,
  rows: Uint8Array[],
): Uint8Array {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([bitDepth, colourType, 0, 0, 0], 8);
  const raw = Buffer.concat(rows.map((r) => Buffer.concat([Buffer.from([0]), Buffer.from(r)])));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

describe('PNG codec', () => {
  it('round-trips palette label maps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer(),
        (w, h, seed) => {
          const labels = Uint8Array.from({ length: w * h }, (_, i) => (seed * 31 + i * 17) & 0xff);
          const decoded = decodePng(encodePalettePng(labels, w, h));
          expect(decoded.width).toBe(w);
          expect(decoded.height).toBe(h);
          expect(Array.from(decoded.data)).toEqual(Array.from(labels));
        },
      ),
    );
  });

  it('uses the VOC colour map', () => {
    const map = vocColormap();
    expect(Array.from(map.subarray(3, 9))).toEqual([128, 0, 0, 0, 128, 0]);
    expect(Array.from(map.subarray(3 * 255))).toEqual([224, 224, 192]);
  });

  it('unpacks low bit depths', () => {
    const png = pngOf(5, 1, 2, 0, [Uint8Array.from([0b00011011, 0b10000000])]);
    expect(Array.from(decodePng(png).data)).toEqual([0, 1, 2, 3, 2]);
  });

  it('refuses RGB, corrupt and truncated files, naming the file', () => {
    const rgb = pngOf(1, 1, 8, 2, [Uint8Array.from([1, 2, 3])]);
    expect(() => decodePng(rgb, 'a/00001.png')).toThrow(/^a\/00001\.png: RGB PNG: a label mask must be/);
    expect(() => decodePng(Uint8Array.from([1, 2, 3]), 'x.png')).toThrow(/x\.png: not a PNG file/);
    const good = encodePalettePng(new Uint8Array(4), 2, 2);
    const flipped = good.slice();
    flipped[40] = flipped[40]! ^ 0xff;
    expect(() => decodePng(flipped, 'f.png')).toThrow(/f\.png: corrupt PNG/);
    expect(() => decodePng(good.subarray(0, good.length - 10), 't.png')).toThrow(/t\.png: corrupt PNG/);
  });
});
