/**
 * Softmax over the slot axis of [.., S, N] logits (SMTC's masks: softmax over slots at each token)
 * and its backward pass.
 */
import type { FloatArray } from '@slotmatch/core';

/** out[f, s, n] = softmax_s(logits[f, :, n]) for `frames` blocks of [S, N]. */
export function softmaxOverSlots(
  logits: FloatArray,
  frames: number,
  S: number,
  N: number,
  out: Float64Array,
): void {
  const max = new Float64Array(N);
  const sum = new Float64Array(N);
  for (let f = 0; f < frames; f++) {
    const base = f * S * N;
    max.fill(Number.NEGATIVE_INFINITY);
    for (let s = 0; s < S; s++) {
      const o = base + s * N;
      for (let n = 0; n < N; n++) if (logits[o + n]! > max[n]!) max[n] = logits[o + n]!;
    }
    sum.fill(0);
    for (let s = 0; s < S; s++) {
      const o = base + s * N;
      for (let n = 0; n < N; n++) {
        const e = Math.exp(logits[o + n]! - max[n]!);
        out[o + n] = e;
        sum[n]! += e;
      }
    }
    for (let s = 0; s < S; s++) {
      const o = base + s * N;
      for (let n = 0; n < N; n++) out[o + n]! /= sum[n]!;
    }
  }
}

/**
 * Backward of {@link softmaxOverSlots}: given p and g = ∂L/∂p (both [frames, S, N]), writes
 * ∂L/∂logits[s, n] = p[s, n]·(g[s, n] − Σ_s' p[s', n]·g[s', n]) into `out`.
 */
export function softmaxOverSlotsBackward(
  p: Float64Array,
  g: Float64Array,
  frames: number,
  S: number,
  N: number,
  out: Float64Array,
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
      for (let n = 0; n < N; n++) out[o + n] = p[o + n]! * (g[o + n]! - dotPG[n]!);
    }
  }
}
