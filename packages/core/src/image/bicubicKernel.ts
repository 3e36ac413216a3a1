/**
 * Resampling tables of PyTorch's `F.interpolate(mode="bicubic", align_corners=False)`.
 *
 * For an axis of `inSize` input samples resampled to `outSize` samples, output sample o reads the
 * four input samples ⌊x⌋−1 … ⌊x⌋+2 around the source coordinate
 *
 *     x = (o + ½)·(inSize / outSize) − ½          (half-pixel centres, not clamped for cubic)
 *
 * with the Keys cubic-convolution weights (a = −0.75), t = x − ⌊x⌋:
 *
 *     w₀ = c₂(t + 1), w₁ = c₁(t), w₂ = c₁(1 − t), w₃ = c₂(2 − t)
 *     c₁(s) = ((a + 2)s − (a + 3))s² + 1            for |s| ≤ 1
 *     c₂(s) = ((a·s − 5a)s + 8a)s − 4a               for 1 < |s| < 2
 *
 * Indices outside [0, inSize − 1] are clamped to the edge (`upsample_get_value_bounded`).
 * Source: aten/src/ATen/native/UpSample.h (`area_pixel_compute_source_index`,
 * `get_cubic_upsample_coefficients`, `cubic_convolution1/2`) — no antialiasing, no output clamping.
 */

/** Keys' cubic-convolution parameter used by PyTorch, OpenCV and Pillow's bicubic. */
export const BICUBIC_A = -0.75;

/** Four taps per output sample: clamped input indices and their weights. */
export interface ResampleTable {
  readonly inSize: number;
  readonly outSize: number;
  /** Taps per output sample (4 for bicubic, 2 for bilinear). */
  readonly taps: number;
  /** `outSize·taps` input indices, already clamped to [0, inSize − 1]. */
  readonly index: Int32Array;
  /** `outSize·taps` weights; each output's weights sum to 1. */
  readonly weight: Float64Array;
}

function cubic1(s: number, a: number): number {
  return ((a + 2) * s - (a + 3)) * s * s + 1;
}

function cubic2(s: number, a: number): number {
  return ((a * s - 5 * a) * s + 8 * a) * s - 4 * a;
}

/** Keys cubic-convolution weights for fractional offset t ∈ [0, 1) (formula in the file header). */
export function cubicWeights(t: number, a = BICUBIC_A): [number, number, number, number] {
  return [cubic2(t + 1, a), cubic1(t, a), cubic1(1 - t, a), cubic2(2 - t, a)];
}

function checkSize(name: string, n: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${name} must be a positive integer, got ${n}`);
}

/**
 * The bicubic resampling table of one axis, `inSize → outSize` (rule in the file header).
 * PyTorch computes the scale as inSize/outSize when `size=` is given, which is how the model
 * bundles' pre-processing is specified.
 */
export function bicubicTable(inSize: number, outSize: number, a = BICUBIC_A): ResampleTable {
  checkSize('inSize', inSize);
  checkSize('outSize', outSize);
  const index = new Int32Array(outSize * 4);
  const weight = new Float64Array(outSize * 4);
  const scale = inSize / outSize;
  const last = inSize - 1;
  for (let o = 0; o < outSize; o++) {
    // PyTorch evaluates the source coordinate in the tensor's dtype (float32 here).
    const x = Math.fround(Math.fround(scale) * (o + 0.5) - 0.5);
    const x0 = Math.floor(x);
    const t = Math.fround(x - x0);
    const w = cubicWeights(t, a);
    for (let k = 0; k < 4; k++) {
      const i = x0 - 1 + k;
      index[o * 4 + k] = Math.min(Math.max(i, 0), last);
      weight[o * 4 + k] = w[k]!;
    }
  }
  return { inSize, outSize, taps: 4, index, weight };
}

/**
 * The bilinear resampling table of one axis, PyTorch `mode="bilinear", align_corners=False`:
 * x = max(0, (o + ½)·(inSize/outSize) − ½), i₀ = ⌊x⌋, i₁ = min(i₀ + 1, inSize − 1), λ = x − i₀,
 * weights (1 − λ, λ). Source: aten/src/ATen/native/UpSample.h (`area_pixel_compute_source_index`,
 * `compute_source_index_and_lambda`).
 */
export function bilinearTable(inSize: number, outSize: number): ResampleTable {
  checkSize('inSize', inSize);
  checkSize('outSize', outSize);
  const index = new Int32Array(outSize * 2);
  const weight = new Float64Array(outSize * 2);
  const scale = Math.fround(inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    const x = Math.max(0, Math.fround(scale * (o + 0.5) - 0.5));
    const i0 = Math.min(Math.floor(x), inSize - 1);
    const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
    const l = Math.fround(x - i0);
    index[o * 2] = i0;
    index[o * 2 + 1] = i1;
    weight[o * 2] = 1 - l;
    weight[o * 2 + 1] = l;
  }
  return { inSize, outSize, taps: 2, index, weight };
}
