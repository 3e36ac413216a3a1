/**
 * Row-wise L2 normalisation and its backward pass, the convention of `torch.nn.functional.normalize`:
 * x̂ = x / max(‖x‖, 1e-12). Used wherever the papers take cosines.
 */
import type { FloatArray } from '@slotmatch/core';

/** The norm floor of `torch.nn.functional.normalize`. */
export const NORM_EPS = 1e-12;

/**
 * Normalise `count` rows of `width` values: out[r] = src[r] / max(‖src[r]‖, 1e-12); norms[r] gets the
 * divisor. `src` rows are read from `srcOffset(r)`, written contiguously to `out`.
 */
export function normalizeRows(
  src: FloatArray,
  count: number,
  width: number,
  out: Float64Array,
  norms: Float64Array,
  srcOffset: (r: number) => number = (r) => r * width,
): void {
  for (let r = 0; r < count; r++) {
    const o = srcOffset(r);
    // Two partial sums (independent add chains), then the tail.
    let s = 0;
    let s1 = 0;
    let i = 0;
    for (; i + 1 < width; i += 2) {
      const v = src[o + i]!;
      const v1 = src[o + i + 1]!;
      s += v * v;
      s1 += v1 * v1;
    }
    if (i < width) s += src[o + i]! * src[o + i]!;
    s += s1;
    const nrm = Math.max(Math.sqrt(s), NORM_EPS);
    norms[r] = nrm;
    const inv = 1 / nrm;
    const w = r * width;
    for (let i = 0; i < width; i++) out[w + i] = src[o + i]! * inv;
  }
}

/**
 * Backward of {@link normalizeRows} for one row: given g = ∂L/∂x̂ (at `g[go…]`), the normalised row x̂
 * (at `xhat[xo…]`) and its divisor, add ∂L/∂x = (g − x̂·⟨x̂, g⟩)/‖x‖ into `out[oo…]` (or g/1e-12 where the
 * norm was floored).
 */
export function normalizeBackwardRow(
  g: Float64Array,
  go: number,
  xhat: Float64Array,
  xo: number,
  norm: number,
  width: number,
  out: FloatArray,
  oo: number,
): void {
  const inv = 1 / norm;
  if (norm === NORM_EPS) {
    for (let i = 0; i < width; i++) out[oo + i]! += g[go + i]! * inv;
    return;
  }
  let p = 0;
  let p1 = 0;
  let i = 0;
  for (; i + 1 < width; i += 2) {
    p += xhat[xo + i]! * g[go + i]!;
    p1 += xhat[xo + i + 1]! * g[go + i + 1]!;
  }
  if (i < width) p += xhat[xo + i]! * g[go + i]!;
  p += p1;
  for (let i = 0; i < width; i++) out[oo + i]! += (g[go + i]! - xhat[xo + i]! * p) * inv;
}
