/**
 * Separable resampling of planar images/maps [C, H, W] with per-axis tables
 * ({@link bicubicTable}, {@link bilinearTable}): out[c, y, x] = Σ_j Σ_i wy[y, j]·wx[x, i]·in[c, iy[y, j], ix[x, i]],
 * evaluated as a horizontal pass into a [C, H, outW] scratch then a vertical pass (exact up to
 * float rounding, which is accumulated in float64).
 */
import { InputError } from '../errors/index.js';
import { bicubicTable, bilinearTable, type ResampleTable } from './bicubicKernel.js';

function checkPlanar(subject: string, data: ArrayLike<number>, c: number, h: number, w: number): void {
  for (const [name, v] of [
    ['channels', c],
    ['height', h],
    ['width', w],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new InputError(subject, `${name} must be a positive integer, got ${v}`);
  }
  if (data.length !== c * h * w) {
    throw new InputError(subject, `has ${data.length} values, expected ${c}×${h}×${w} = ${c * h * w}`);
  }
}

/**
 * Resample planar [C, H, W] data with the given row (y) and column (x) tables into
 * `out` [C, rows.outSize, cols.outSize] (allocated when omitted). Rule in the file header.
 */
export function resampleSeparable(
  src: ArrayLike<number>,
  channels: number,
  rows: ResampleTable,
  cols: ResampleTable,
  out?: Float32Array,
): Float32Array {
  const h = rows.inSize;
  const w = cols.inSize;
  const oh = rows.outSize;
  const ow = cols.outSize;
  checkPlanar('resample input', src, channels, h, w);
  const result = out ?? new Float32Array(channels * oh * ow);
  if (result.length !== channels * oh * ow) {
    throw new InputError('resample output', `has ${result.length} values, expected ${channels * oh * ow}`);
  }
  const tmp = new Float64Array(h * ow);
  const tx = cols.taps;
  const ty = rows.taps;
  for (let c = 0; c < channels; c++) {
    const base = c * h * w;
    for (let y = 0; y < h; y++) {
      const row = base + y * w;
      for (let x = 0; x < ow; x++) {
        let s = 0;
        for (let k = 0; k < tx; k++) s += cols.weight[x * tx + k]! * src[row + cols.index[x * tx + k]!]!;
        tmp[y * ow + x] = s;
      }
    }
    const obase = c * oh * ow;
    for (let y = 0; y < oh; y++) {
      const orow = obase + y * ow;
      for (let x = 0; x < ow; x++) {
        let s = 0;
        for (let k = 0; k < ty; k++) s += rows.weight[y * ty + k]! * tmp[rows.index[y * ty + k]! * ow + x]!;
        result[orow + x] = s;
      }
    }
  }
  return result;
}

/**
 * Bicubic resize of planar float data [C, H, W] → [C, outH, outW], exactly PyTorch's
 * `F.interpolate(x, size=(outH, outW), mode="bicubic", align_corners=False)` (a = −0.75,
 * half-pixel centres, edge clamp, no antialias, no clamping of the result).
 */
export function resizeBicubic(
  src: ArrayLike<number>,
  channels: number,
  height: number,
  width: number,
  outHeight: number,
  outWidth: number,
): Float32Array {
  checkPlanar('resizeBicubic input', src, channels, height, width);
  return resampleSeparable(src, channels, bicubicTable(height, outHeight), bicubicTable(width, outWidth));
}

/**
 * Bilinear resize of planar float data [C, H, W] → [C, outH, outW], exactly PyTorch's
 * `F.interpolate(x, size=(outH, outW), mode="bilinear", align_corners=False)` (half-pixel centres).
 */
export function resizeBilinear(
  src: ArrayLike<number>,
  channels: number,
  height: number,
  width: number,
  outHeight: number,
  outWidth: number,
): Float32Array {
  checkPlanar('resizeBilinear input', src, channels, height, width);
  return resampleSeparable(src, channels, bilinearTable(height, outHeight), bilinearTable(width, outWidth));
}
