/**
 * Frame pre-processing of the model bundles (docs/MODEL_BUNDLE.md, `input`), reproducing the
 * PyTorch reference exactly:
 *
 *     x = frame / 255                                   (HWC uint8 → CHW float, RGB order)
 *     x = F.interpolate(x, size=(H, W), mode="bicubic", align_corners=False)   (a = −0.75)
 *     x = lo + x·(hi − lo)                              (valueRange [lo, hi]; [0, 1] is the identity)
 *     x = (x − mean[c]) / std[c]
 *
 * The resize runs directly on the interleaved bytes (the x pass of {@link resampleAxis}) and writes
 * the normalised planes into a caller-provided batch buffer, so a batch of frames needs no
 * per-frame copies.
 */
import { InputError } from '../errors/index.js';
import { bicubicTable, type ResampleTable } from './bicubicKernel.js';
import { bytesPerPixel, type RgbFrame, validateFrame } from './frame.js';
import { resampleAxis, resampleColumns } from './resize.js';

/** What the encoder expects (the manifest's `input` block). */
export interface PreprocessSpec {
  readonly height: number;
  readonly width: number;
  readonly mean: readonly [number, number, number] | readonly number[];
  readonly std: readonly [number, number, number] | readonly number[];
  /** Range that pixel/255 is mapped to before normalisation (default [0, 1]). */
  readonly valueRange?: readonly [number, number] | readonly number[];
}

/** Check the numbers of a {@link PreprocessSpec}; throws an InputError naming the field. */
export function validatePreprocessSpec(spec: PreprocessSpec, subject = 'input'): void {
  for (const key of ['height', 'width'] as const) {
    const v = spec[key];
    if (!Number.isInteger(v) || v <= 0)
      throw new InputError(`${subject}.${key}`, `must be a positive integer, got ${v}`);
  }
  for (const key of ['mean', 'std'] as const) {
    const v = spec[key];
    if (!Array.isArray(v) || v.length !== 3 || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      throw new InputError(`${subject}.${key}`, `must be 3 finite numbers, got ${JSON.stringify(v)}`);
    }
  }
  if (spec.std.some((s) => s <= 0))
    throw new InputError(`${subject}.std`, `every entry must be > 0, got ${JSON.stringify(spec.std)}`);
  if (spec.valueRange !== undefined) {
    const r = spec.valueRange;
    if (
      !Array.isArray(r) ||
      r.length !== 2 ||
      r.some((x) => typeof x !== 'number' || !Number.isFinite(x)) ||
      r[0]! >= r[1]!
    ) {
      throw new InputError(
        `${subject}.valueRange`,
        `must be [lo, hi] with lo < hi, got ${JSON.stringify(r)}`,
      );
    }
  }
}

/**
 * Pre-processes frames of any size into normalised planar [3, H, W] float32 (rule in the file
 * header). Keeps the resampling tables of the last frame size, so a video pays for them once.
 */
export class FramePreprocessor {
  readonly spec: PreprocessSpec;
  /** Values per pre-processed frame: 3·H·W. */
  readonly frameSize: number;
  private rows: ResampleTable | undefined;
  private cols: ResampleTable | undefined;
  private tmp = new Float64Array(0);
  /** y = v·scale[c] + shift[c] per channel c (v = resized pixel in 0..255 units). */
  private readonly normalise: { readonly scale: Float64Array; readonly shift: Float64Array };

  constructor(spec: PreprocessSpec) {
    validatePreprocessSpec(spec);
    this.spec = spec;
    this.frameSize = 3 * spec.height * spec.width;
    const [lo, hi] = (spec.valueRange ?? [0, 1]) as readonly number[];
    // y = (lo + v/255·(hi − lo) − mean)/std = v·scale + shift (v = resized pixel in 0..255 units)
    const scale = new Float64Array(3);
    const shift = new Float64Array(3);
    for (let c = 0; c < 3; c++) {
      scale[c] = (hi! - lo!) / 255 / spec.std[c]!;
      shift[c] = (lo! - spec.mean[c]!) / spec.std[c]!;
    }
    this.normalise = { scale, shift };
  }

  /**
   * Write the normalised planes of `frame` into `out[offset … offset + 3·H·W)` (allocated when
   * omitted) and return `out`.
   */
  run(frame: RgbFrame, out?: Float32Array, offset = 0, subject = 'frame'): Float32Array {
    validateFrame(frame, subject);
    const { height: oh, width: ow } = this.spec;
    const target = out ?? new Float32Array(this.frameSize);
    if (offset < 0 || offset + this.frameSize > target.length) {
      throw new InputError(
        'preprocess output',
        `no room for ${this.frameSize} values at offset ${offset} of ${target.length}`,
      );
    }
    const { width: w, height: h } = frame;
    if (this.rows?.inSize !== h) this.rows = bicubicTable(h, oh);
    if (this.cols?.inSize !== w) this.cols = bicubicTable(w, ow);
    if (this.tmp.length < 3 * h * ow) this.tmp = new Float64Array(3 * h * ow);
    const tmp = this.tmp;
    const bpp = bytesPerPixel(frame.format);
    // x pass on the interleaved bytes → tmp [3, h, ow] in 0..255 units.
    resampleAxis(
      frame.data,
      { outer: h, outerStride: w * bpp, step: bpp, inner: 3, innerStride: 1 },
      this.cols,
      tmp,
      { outerStride: ow, step: 1, innerStride: h * ow },
    );
    // y pass fused with the affine normalisation of each plane → target [3, oh, ow].
    resampleColumns(tmp, 3, ow, this.rows, target, offset, this.normalise);
    return target;
  }
}

/** One-shot {@link FramePreprocessor.run}: normalised planar [3, H, W] float32 of one frame. */
export function preprocessFrame(frame: RgbFrame, spec: PreprocessSpec): Float32Array {
  return new FramePreprocessor(spec).run(frame);
}

/**
 * Interleaved 8-bit frame → planar float [3, h, w] with values v/255 (the `frames / 255` step of
 * the reference, before any resize).
 */
export function frameToPlanar(frame: RgbFrame): Float32Array {
  validateFrame(frame);
  const n = frame.width * frame.height;
  const bpp = bytesPerPixel(frame.format);
  const out = new Float32Array(3 * n);
  for (let p = 0; p < n; p++) {
    out[p] = frame.data[p * bpp]! / 255;
    out[n + p] = frame.data[p * bpp + 1]! / 255;
    out[2 * n + p] = frame.data[p * bpp + 2]! / 255;
  }
  return out;
}

/** In-place per-channel normalisation of planar [C, N] data: x ← (x − mean[c]) / std[c]. */
export function normalizePlanar(
  data: Float32Array,
  mean: readonly number[],
  std: readonly number[],
): Float32Array {
  const c = mean.length;
  if (std.length !== c || c === 0 || data.length % c !== 0) {
    throw new InputError(
      'normalizePlanar',
      `${data.length} values do not split into ${c} channels (mean ${mean.length}, std ${std.length})`,
    );
  }
  const n = data.length / c;
  for (let k = 0; k < c; k++) {
    if (!(std[k]! > 0)) throw new InputError('normalizePlanar', `std[${k}] must be > 0, got ${std[k]}`);
    const m = mean[k]!;
    const s = std[k]!;
    for (let i = k * n; i < (k + 1) * n; i++) data[i] = (data[i]! - m) / s;
  }
  return data;
}
