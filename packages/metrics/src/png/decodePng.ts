import { inflateSync } from 'node:zlib';
import { InputError } from '@slotmatch/core';
import { crc32 } from './crc32.js';
import type { LabelImage } from './labelMap.js';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/**
 * Decode a label PNG: palette (colour type 3) or grey (colour type 0), bit depth 1, 2, 4 or 8,
 * non-interlaced. Returns the raw palette indices / grey values — the labels — never colours,
 * as the DAVIS evaluator reads masks (`np.array(Image.open(p))`). RGB, RGBA, grey+alpha,
 * 16-bit and interlaced images, bad signatures, CRC errors and truncated data are input errors
 * that name `name`.
 */
export function decodePng(bytes: Uint8Array, name = '<png>'): LabelImage {
  const fail = (rule: string): never => {
    throw new InputError(name, rule);
  };
  if (bytes.length < 8 || SIGNATURE.some((v, i) => bytes[i] !== v)) fail('not a PNG file (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colourType = -1;
  const idat: Uint8Array[] = [];
  let sawEnd = false;
  while (pos < bytes.length) {
    if (pos + 12 > bytes.length) fail('corrupt PNG (truncated chunk header)');
    const length = view.getUint32(pos);
    const type = String.fromCharCode(bytes[pos + 4]!, bytes[pos + 5]!, bytes[pos + 6]!, bytes[pos + 7]!);
    const dataStart = pos + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) fail(`corrupt PNG (chunk ${type} is truncated)`);
    if (crc32(bytes, pos + 4, dataEnd) !== view.getUint32(dataEnd))
      fail(`corrupt PNG (CRC mismatch in chunk ${type})`);
    if (type === 'IHDR') {
      width = view.getUint32(dataStart);
      height = view.getUint32(dataStart + 4);
      bitDepth = bytes[dataStart + 8]!;
      colourType = bytes[dataStart + 9]!;
      if (bytes[dataStart + 12] !== 0) fail('interlaced PNGs are not supported for label maps');
    } else if (type === 'IDAT') {
      idat.push(bytes.subarray(dataStart, dataEnd));
    } else if (type === 'IEND') {
      sawEnd = true;
      break;
    }
    pos = dataEnd + 4;
  }
  if (width === 0 || height === 0) fail('corrupt PNG (missing or empty IHDR)');
  if (!sawEnd) fail('corrupt PNG (no IEND chunk: the file is truncated)');
  if (colourType !== 0 && colourType !== 3) {
    const kinds: Record<number, string> = { 2: 'RGB', 4: 'grey+alpha', 6: 'RGBA' };
    fail(
      `${kinds[colourType] ?? `colour type ${colourType}`} PNG: a label mask must be a palette (P) or grey (L) PNG`,
    );
  }
  if (![1, 2, 4, 8].includes(bitDepth))
    fail(`bit depth ${bitDepth} is not supported for label maps (1, 2, 4 or 8)`);

  const stride = Math.ceil((width * bitDepth) / 8);
  // One output chunk of the expected size (filter bytes + rows) spares zlib its chunk list and copy.
  const expected = (stride + 1) * height;
  let raw: Uint8Array;
  try {
    const inflated = inflateSync(idat.length === 1 ? idat[0]! : Buffer.concat(idat), {
      chunkSize: expected + 64 <= 1 << 26 ? expected + 64 : 64 * 1024,
    });
    raw = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length);
  } catch (cause) {
    throw new InputError(name, 'corrupt PNG (image data does not inflate)', { cause });
  }
  if (raw.length < expected) fail('corrupt PNG (image data is shorter than the image)');

  // Undo the per-row filters (bytes per pixel = 1 for every supported format), one loop per filter,
  // in place: row y moves from y·(stride+1)+1 to y·stride, always leftwards, so every filtered byte
  // is read before its place is overwritten and the rows above are already unfiltered.
  const rows = raw;
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    const up = dst - stride;
    if (filter === 0 || (filter === 2 && y === 0)) {
      rows.copyWithin(dst, src, src + stride);
    } else if (filter === 1) {
      let a = 0;
      for (let x = 0; x < stride; x++) {
        a = (raw[src + x]! + a) & 0xff;
        rows[dst + x] = a;
      }
    } else if (filter === 2) {
      for (let x = 0; x < stride; x++) rows[dst + x] = (raw[src + x]! + rows[up + x]!) & 0xff;
    } else if (filter === 3) {
      for (let x = 0; x < stride; x++) {
        const a = x > 0 ? rows[dst + x - 1]! : 0;
        const b = y > 0 ? rows[up + x]! : 0;
        rows[dst + x] = (raw[src + x]! + ((a + b) >> 1)) & 0xff;
      }
    } else if (filter === 4) {
      for (let x = 0; x < stride; x++) {
        const a = x > 0 ? rows[dst + x - 1]! : 0;
        const b = y > 0 ? rows[up + x]! : 0;
        const c = x > 0 && y > 0 ? rows[up + x - 1]! : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        rows[dst + x] = (raw[src + x]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
      }
    } else {
      fail(`corrupt PNG (unknown filter type ${filter} in row ${y})`);
    }
  }
  if (bitDepth === 8) return { width, height, data: rows.subarray(0, stride * height) };
  const data = new Uint8Array(width * height);
  const perByte = 8 / bitDepth;
  const mask = (1 << bitDepth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = rows[y * stride + Math.floor(x / perByte)]!;
      const shift = 8 - bitDepth * ((x % perByte) + 1);
      data[y * width + x] = (byte >> shift) & mask;
    }
  }
  return { width, height, data };
}
