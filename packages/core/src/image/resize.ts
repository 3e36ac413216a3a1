/**
 * Separable resampling with per-axis tables ({@link bicubicTable}, {@link bilinearTable}):
 *
 *     out[c, y, x] = Σ_j Σ_i wy[y, j]·wx[x, i]·in[c, iy[y, j], ix[x, i]]
 *
 * evaluated as two applications of one axis pass ({@link resampleAxis}): along x into a float64
 * [C, H, outW] scratch, then along y (exact up to float rounding, accumulated in float64). The
 * same pass serves the frame pre-processing (interleaved bytes → planes) and the mask upsampling.
 */
import { InputError } from '../errors/index.js';
import { bicubicTable, bilinearTable, type ResampleTable } from './bicubicKernel.js';

/**
 * How one resampled axis sits in a flat array: `outer` independent groups `outerStride` apart,
 * samples along the axis `step` apart, and `inner` parallel lines `innerStride` apart, starting at
 * `offset`. E.g. planar [C, H, W] along x: outer = C·H, outerStride = W, step = 1, inner = 1;
 * along y: outer = C, outerStride = H·W, step = W, inner = W, innerStride = 1; interleaved RGB
 * rows along x: outer = H, outerStride = 3W, step = 3, inner = 3 channels, innerStride = 1.
 */
export interface AxisLayout {
  readonly outer: number;
  readonly outerStride: number;
  readonly step: number;
  readonly inner: number;
  readonly innerStride: number;
  readonly offset?: number;
}

/**
 * One axis of a separable resample: for every group o, output sample y and line i,
 * dst[o, y, i] = Σ_k table.weight[y, k] · src[o, table.index[y, k], i] (indices already clamped
 * by the table), then `dst = scale[o]·dst + shift[o]` when `affine` is given (the per-channel
 * normalisation of the frame pre-processing, fused into its last pass). `src` holds
 * `table.inSize` samples along the axis, `dst` `table.outSize`.
 */
export function resampleAxis(
  src: ArrayLike<number>,
  from: AxisLayout,
  table: ResampleTable,
  dst: { [i: number]: number; readonly length: number },
  to: Omit<AxisLayout, 'outer' | 'inner'>,
  affine?: { readonly scale: ArrayLike<number>; readonly shift: ArrayLike<number> },
): void {
  const { taps, index, weight, outSize } = table;
  const fo = from.offset ?? 0;
  const too = to.offset ?? 0;
  const { inner, innerStride: sis, step } = from;
  const dis = to.innerStride;
  for (let o = 0; o < from.outer; o++) {
    const sBase = fo + o * from.outerStride;
    const dBase = too + o * to.outerStride;
    const m = affine ? affine.scale[o]! : 1;
    const c0 = affine ? affine.shift[o]! : 0;
    for (let y = 0; y < outSize; y++) {
      const t = y * taps;
      const d = dBase + y * to.step;
      // Sums in tap order, (((w₀a + w₁b) + w₂c) + w₃d), the same rounding for every tap count.
      if (taps === 4) {
        const a = sBase + index[t]! * step;
        const b = sBase + index[t + 1]! * step;
        const c = sBase + index[t + 2]! * step;
        const e = sBase + index[t + 3]! * step;
        const w0 = weight[t]!;
        const w1 = weight[t + 1]!;
        const w2 = weight[t + 2]!;
        const w3 = weight[t + 3]!;
        if (inner === 3) {
          // Interleaved RGB (the pre-processing's x pass): the three channels of each tap at once.
          const s1 = sis;
          const s2 = 2 * sis;
          dst[d] = (w0 * src[a]! + w1 * src[b]! + w2 * src[c]! + w3 * src[e]!) * m + c0;
          dst[d + dis] =
            (w0 * src[a + s1]! + w1 * src[b + s1]! + w2 * src[c + s1]! + w3 * src[e + s1]!) * m + c0;
          dst[d + 2 * dis] =
            (w0 * src[a + s2]! + w1 * src[b + s2]! + w2 * src[c + s2]! + w3 * src[e + s2]!) * m + c0;
          continue;
        }
        for (let i = 0; i < inner; i++) {
          const si = i * sis;
          dst[d + i * dis] =
            (w0 * src[a + si]! + w1 * src[b + si]! + w2 * src[c + si]! + w3 * src[e + si]!) * m + c0;
        }
      } else if (taps === 2) {
        const a = sBase + index[t]! * step;
        const b = sBase + index[t + 1]! * step;
        const w0 = weight[t]!;
        const w1 = weight[t + 1]!;
        for (let i = 0; i < inner; i++) {
          const si = i * sis;
          dst[d + i * dis] = (w0 * src[a + si]! + w1 * src[b + si]!) * m + c0;
        }
      } else {
        for (let i = 0; i < inner; i++) {
          const si = sBase + i * sis;
          let s = 0;
          for (let k = 0; k < taps; k++) s += weight[t + k]! * src[si + index[t + k]! * step]!;
          dst[d + i * dis] = s * m + c0;
        }
      }
    }
  }
}

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

/** The x pass of a planar [C, H, W] array into `dst` [C, H, cols.outSize] (rule in the file header). */
export function resampleRows(
  src: ArrayLike<number>,
  channels: number,
  height: number,
  cols: ResampleTable,
  dst: { [i: number]: number; readonly length: number },
): void {
  const w = cols.inSize;
  const ow = cols.outSize;
  resampleAxis(
    src,
    { outer: channels * height, outerStride: w, step: 1, inner: 1, innerStride: 0 },
    cols,
    dst,
    { outerStride: ow, step: 1, innerStride: 0 },
  );
}

/** The y pass of a planar [C, H, W] array into `dst` [C, rows.outSize, W] at `offset` (optional per-channel affine). */
export function resampleColumns(
  src: ArrayLike<number>,
  channels: number,
  width: number,
  rows: ResampleTable,
  dst: { [i: number]: number; readonly length: number },
  offset = 0,
  affine?: { readonly scale: ArrayLike<number>; readonly shift: ArrayLike<number> },
): void {
  resampleAxis(
    src,
    { outer: channels, outerStride: rows.inSize * width, step: width, inner: width, innerStride: 1 },
    rows,
    dst,
    { outerStride: rows.outSize * width, step: width, innerStride: 1, offset },
    affine,
  );
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
  const tmp = new Float64Array(channels * h * ow);
  resampleRows(src, channels, h, cols, tmp);
  resampleColumns(tmp, channels, ow, rows, result);
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
