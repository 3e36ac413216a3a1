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
    let s = 0;
    for (let i = 0; i < width; i++) {
      const v = src[o + i]!;
      s += v * v;
    }
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
  for (let i = 0; i < width; i++) p += xhat[xo + i]! * g[go + i]!;
  for (let i = 0; i < width; i++) out[oo + i]! += (g[go + i]! - xhat[xo + i]! * p) * inv;
}
