/**
 * Softmax over the middle axis of [F, S, N] logits — SMTC's masks (softmax over slots at each token),
 * DIST's per-pixel object probabilities (softmax over objects) — and its backward pass. Every loop
 * walks contiguous rows of N values, with per-column running max/sum buffers.
 */
import { expInPlace, type FloatArray } from '@slotmatch/core';

/** out[f, s, n] = softmax_s(scale·logits[f, :, n]) for `frames` blocks of [S, N] (scale = 1/τ). */
export function softmaxMiddleAxis(
  logits: FloatArray,
  frames: number,
  S: number,
  N: number,
  out: Float64Array,
  scale = 1,
): void {
  const max = new Float64Array(N);
  const sum = new Float64Array(N);
  for (let f = 0; f < frames; f++) {
    const base = f * S * N;
    max.fill(Number.NEGATIVE_INFINITY);
    for (let s = 0; s < S; s++) {
      const o = base + s * N;
      for (let n = 0; n < N; n++) if (scale * logits[o + n]! > max[n]!) max[n] = scale * logits[o + n]!;
    }
    for (let s = 0; s < S; s++) {
      const o = base + s * N;
      for (let n = 0; n < N; n++) out[o + n] = scale * logits[o + n]! - max[n]!;
    }
    expInPlace(out, base, S * N);
    sum.fill(0);
    for (let s = 0; s < S; s++) {
      const o = base + s * N;
      for (let n = 0; n < N; n++) sum[n]! += out[o + n]!;
    }
    for (let n = 0; n < N; n++) sum[n] = 1 / sum[n]!;
    for (let s = 0; s < S; s++) {
      const o = base + s * N;
      for (let n = 0; n < N; n++) out[o + n]! *= sum[n]!;
    }
  }
}

/**
 * Backward of {@link softmaxMiddleAxis}: given p and g = ∂L/∂p (both [frames, S, N]), writes
 * ∂L/∂logits[s, n] = scale·p[s, n]·(g[s, n] − Σ_s' p[s', n]·g[s', n]) into `out`.
 */
export function softmaxMiddleAxisBackward(
  p: Float64Array,
  g: Float64Array,
  frames: number,
  S: number,
  N: number,
  out: FloatArray,
  scale = 1,
): void {
  const dotPG = new Float64Array(N);
  for (let f = 0; f < frames; f++) {
    const base = f * S * N;
    dotPG.fill(0);
    for (let s = 0; s < S; s++) {
      const o = base + s * N;
      for (let n = 0; n < N; n++) dotPG[n]! += p[o + n]! * g[o + n]!;
    }
    for (let s = 0; s < S; s++) {
      const o = base + s * N;
      for (let n = 0; n < N; n++) out[o + n] = scale * p[o + n]! * (g[o + n]! - dotPG[n]!);
    }
  }
}
