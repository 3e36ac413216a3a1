import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePng } from './decodePng.js';
import { encodePalettePng, pngChunk } from './encodePalettePng.js';
import { vocColormap } from './vocColormap.js';

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

/** Apply PNG filter `type` to each row of 8-bit, 1-byte-per-pixel data (the encoder's side, PNG spec §9). */
function filterRows(rows: Uint8Array[], types: number[]): Uint8Array[] {
  return rows.map((row, y) => {
    const prev = y > 0 ? rows[y - 1]! : new Uint8Array(row.length);
    const type = types[y]!;
    const out = new Uint8Array(row.length + 1);
    out[0] = type;
    for (let x = 0; x < row.length; x++) {
      const a = x > 0 ? row[x - 1]! : 0;
      const b = prev[x]!;
      const c = x > 0 ? prev[x - 1]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][type]!;
      out[x + 1] = (row[x]! - predictor) & 0xff;
    }
    return out;
  });
}

describe('PNG codec', () => {
  it('undoes all five row filters', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 8 }),
        fc.integer(),
        (w, types, seed) => {
          const h = types.length;
          const rows = Array.from({ length: h }, (_, y) =>
            Uint8Array.from({ length: w }, (_, x) => (seed * 7 + x * 53 + y * 91 + ((x * y) % 5)) & 0xff),
          );
          const ihdr = new Uint8Array(13);
          new DataView(ihdr.buffer).setUint32(0, w);
          new DataView(ihdr.buffer).setUint32(4, h);
          ihdr.set([8, 3, 0, 0, 0], 8);
          const png = Buffer.concat([
            Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
            pngChunk('IHDR', ihdr),
            pngChunk('IDAT', deflateSync(Buffer.concat(filterRows(rows, types)))),
            pngChunk('IEND', new Uint8Array(0)),
          ]);
          expect(Array.from(decodePng(png).data)).toEqual(rows.flatMap((r) => Array.from(r)));
        },
      ),
    );
  });

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
