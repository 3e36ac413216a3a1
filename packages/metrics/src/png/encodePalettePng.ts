import { deflateSync } from 'node:zlib';
import { InputError } from '@slotmatch/core';
import { crc32 } from './crc32.js';
import { vocColormap } from './vocColormap.js';

/** One PNG chunk: length, type, data and the CRC over type + data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/**
 * Encode a label map (values 0..255) as an 8-bit palette PNG with the VOC colour map, the
 * format DAVIS masks use. Labels above 255 are an input error.
 */
export function encodePalettePng(labels: ArrayLike<number>, width: number, height: number): Uint8Array {
  if (labels.length !== width * height) {
    throw new InputError('labels', `has ${labels.length} values, expected width·height = ${width}·${height}`);
  }
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = labels[y * width + x]!;
      if (!(v >= 0 && v <= 255 && Number.isInteger(v))) {
        throw new InputError('labels', `value ${v} at (${x}, ${y}) is not a label in 0..255`);
      }
      raw[y * (width + 1) + 1 + x] = v;
    }
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 3, 0, 0, 0], 8);
  const parts = [
    Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', ihdr),
    pngChunk('PLTE', vocColormap()),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', new Uint8Array(0)),
  ];
  return Buffer.concat(parts);
}
