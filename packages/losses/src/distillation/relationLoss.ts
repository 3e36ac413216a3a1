/**
 * DIST's relation losses (Huang et al., "Knowledge Distillation from A Stronger Teacher", NeurIPS
 * 2022) over per-pixel object probabilities (METHODS.md §4): shared forward/backward of
 * τ²·mean(1 − Pearson) along one axis of [B, O, P] probabilities p = softmax_O(logits/τ).
 */
import { expInPlace, type FloatArray, InputError, type Tensor } from '@slotmatch/core';
import { expectInput } from '../common/checks.js';
import { gradientLike } from '../common/gradientLike.js';
import type { LossResult } from '../common/LossResult.js';

/** Options of the relation losses. */
export interface RelationOptions {
  /** Softmax temperature τ (default 1, DIST); the loss is scaled by τ². */
  readonly tau?: number;
}

/** The floor of ‖a_c‖·‖b_c‖ (`torch.nn.functional.cosine_similarity`'s eps, used by DIST's Pearson). */
export const PEARSON_EPS = 1e-8;

/**
 * τ²·mean over vectors of (1 − Pearson(p^S, p^T)). `axis` 'objects': one vector per (b, pixel) of
 * length O; 'pixels': one per (b, object) of length P.
 *
 * Pearson(a, b) = ⟨a_c, b_c⟩ / d with a_c = a − mean(a), d = max(‖a_c‖·‖b_c‖, 1e-8); its gradient is
 * ∂r/∂a = b_c/d − r·a_c/‖a_c‖² (b_c/1e-8 when floored) — already centred, so centring's backward
 * leaves it unchanged.
 */
export function relationLoss(
  studentLogits: Tensor,
  teacherLogits: Tensor,
  options: RelationOptions,
  axis: 'objects' | 'pixels',
): LossResult<'studentLogits' | 'teacherLogits'> {
  const sizes: Record<string, number> = {};
  expectInput('studentLogits', studentLogits, ['B', 'O', 'P'], sizes);
  expectInput('teacherLogits', teacherLogits, ['B', 'O', 'P'], sizes);
  const tau = options.tau ?? 1;
  if (!(tau > 0)) throw new InputError('options.tau', `must be > 0, got ${tau}`);
  const B = sizes.B!;
  const O = sizes.O!;
  const P = sizes.P!;
  const count = axis === 'objects' ? B * P : B * O;
  const k = (-tau * tau) / count; // ∂value/∂r
  const gradS = gradientLike(studentLogits.data);
  const gradT = gradientLike(teacherLogits.data);
  const args = [studentLogits.data, teacherLogits.data, gradS, gradT, B, O, P, 1 / tau, k] as const;
  const total = axis === 'objects' ? acrossObjects(...args) : acrossPixels(...args);
  return {
    value: (tau * tau * total) / count,
    grads: {
      studentLogits: { data: gradS, dims: [...studentLogits.dims] },
      teacherLogits: { data: gradT, dims: [...teacherLogits.dims] },
    },
  };
}

/** Pixels per tile: the fused passes keep O rows of this many values of every buffer in cache. */
const TILE = 512;

/**
 * p[o·w + i] = softmax over o of scale·x[base + o·P + n0 + i] for the w pixels of a tile (rows of P
 * values, tile scratch of O·w values; `max` and `sum` hold w values).
 */
function softmaxTile(
  x: FloatArray,
  base: number,
  O: number,
  P: number,
  n0: number,
  w: number,
  scale: number,
  p: Float64Array,
  max: Float64Array,
  sum: Float64Array,
): void {
  max.fill(Number.NEGATIVE_INFINITY, 0, w);
  for (let o = 0; o < O; o++) {
    const row = base + o * P + n0;
    for (let i = 0; i < w; i++) {
      const v = scale * x[row + i]!;
      if (v > max[i]!) max[i] = v;
    }
  }
  for (let o = 0; o < O; o++) {
    const row = base + o * P + n0;
    const t = o * w;
    for (let i = 0; i < w; i++) p[t + i] = scale * x[row + i]! - max[i]!;
  }
  expInPlace(p, 0, O * w);
  sum.fill(0, 0, w);
  for (let o = 0; o < O; o++) {
    const t = o * w;
    for (let i = 0; i < w; i++) sum[i]! += p[t + i]!;
  }
  for (let i = 0; i < w; i++) sum[i] = 1 / sum[i]!;
  for (let o = 0; o < O; o++) {
    const t = o * w;
    for (let i = 0; i < w; i++) p[t + i]! *= sum[i]!;
  }
}

/**
 * Softmax backward of a tile: out[base + o·P + n0 + i] = scale·p·(g − Σ_o' p·g) at each pixel, with
 * g[o·w + i] = ∂L/∂p (`acc` holds w values).
 */
function softmaxBackwardTile(
  p: Float64Array,
  g: Float64Array,
  O: number,
  P: number,
  n0: number,
  w: number,
  scale: number,
  out: FloatArray,
  base: number,
  acc: Float64Array,
): void {
  acc.fill(0, 0, w);
  for (let o = 0; o < O; o++) {
    const t = o * w;
    for (let i = 0; i < w; i++) acc[i]! += p[t + i]! * g[t + i]!;
  }
  for (let o = 0; o < O; o++) {
    const t = o * w;
    const row = base + o * P + n0;
    for (let i = 0; i < w; i++) out[row + i] = scale * p[t + i]! * (g[t + i]! - acc[i]!);
  }
}

/**
 * Pearson across the O objects at each pixel: one fused sweep per tile of pixels (softmax of both,
 * centring, r, ∂r/∂p, softmax backward), all in tile scratch.
 */
function acrossObjects(
  xs: FloatArray,
  xt: FloatArray,
  outS: FloatArray,
  outT: FloatArray,
  B: number,
  O: number,
  P: number,
  scale: number,
  k: number,
): number {
  const w0 = Math.min(TILE, P);
  const ps = new Float64Array(O * w0);
  const pt = new Float64Array(O * w0);
  const gs = new Float64Array(O * w0);
  const gt = new Float64Array(O * w0);
  const c1 = new Float64Array(w0);
  const c2 = new Float64Array(w0);
  const c3 = new Float64Array(w0);
  const c4 = new Float64Array(w0);
  const c5 = new Float64Array(w0);
  let total = 0;
  for (let bi = 0; bi < B; bi++) {
    const base = bi * O * P;
    for (let n0 = 0; n0 < P; n0 += w0) {
      const w = Math.min(w0, P - n0);
      softmaxTile(xs, base, O, P, n0, w, scale, ps, c1, c2);
      softmaxTile(xt, base, O, P, n0, w, scale, pt, c1, c2);
      // means (c1, c2), then centred sums ab (c3), aa (c4), bb (c5)
      c1.fill(0, 0, w);
      c2.fill(0, 0, w);
      for (let o = 0; o < O; o++) {
        const t = o * w;
        for (let i = 0; i < w; i++) {
          c1[i]! += ps[t + i]!;
          c2[i]! += pt[t + i]!;
        }
      }
      for (let i = 0; i < w; i++) {
        c1[i]! /= O;
        c2[i]! /= O;
      }
      c3.fill(0, 0, w);
      c4.fill(0, 0, w);
      c5.fill(0, 0, w);
      for (let o = 0; o < O; o++) {
        const t = o * w;
        for (let i = 0; i < w; i++) {
          const x = ps[t + i]! - c1[i]!;
          const y = pt[t + i]! - c2[i]!;
          c3[i]! += x * y;
          c4[i]! += x * x;
          c5[i]! += y * y;
        }
      }
      // Per pixel: r, then the coefficients of ∂r/∂a_c = b_c/d − (r/‖a_c‖²)·a_c into c3 (other), c4 (a), c5 (b).
      for (let i = 0; i < w; i++) {
        const aa = c4[i]!;
        const bb = c5[i]!;
        const prod = Math.sqrt(aa) * Math.sqrt(bb);
        const floored = !(prod > PEARSON_EPS);
        const d = floored ? PEARSON_EPS : prod;
        const r = c3[i]! / d;
        total += 1 - r;
        c3[i] = k / d;
        c4[i] = floored ? 0 : (k * r) / aa;
        c5[i] = floored ? 0 : (k * r) / bb;
      }
      for (let o = 0; o < O; o++) {
        const t = o * w;
        for (let i = 0; i < w; i++) {
          const x = ps[t + i]! - c1[i]!;
          const y = pt[t + i]! - c2[i]!;
          gs[t + i] = c3[i]! * y - c4[i]! * x;
          gt[t + i] = c3[i]! * x - c5[i]! * y;
        }
      }
      softmaxBackwardTile(ps, gs, O, P, n0, w, scale, outS, base, c1);
      softmaxBackwardTile(pt, gt, O, P, n0, w, scale, outT, base, c1);
    }
  }
  return total;
}

/**
 * Pearson across the P pixels of each object: per image, a tiled sweep for both softmaxes and the row
 * means, a sweep for the centred sums, and a tiled sweep for ∂r/∂p and the softmax backward.
 */
function acrossPixels(
  xs: FloatArray,
  xt: FloatArray,
  outS: FloatArray,
  outT: FloatArray,
  B: number,
  O: number,
  P: number,
  scale: number,
  k: number,
): number {
  const w0 = Math.min(TILE, P);
  const ps = new Float64Array(O * P);
  const pt = new Float64Array(O * P);
  const tileS = new Float64Array(O * w0);
  const tileT = new Float64Array(O * w0);
  const gS = new Float64Array(O * w0);
  const gT = new Float64Array(O * w0);
  const c1 = new Float64Array(w0);
  const c2 = new Float64Array(w0);
  const ma = new Float64Array(O);
  const mb = new Float64Array(O);
  const kOther = new Float64Array(O);
  const kA = new Float64Array(O);
  const kB = new Float64Array(O);
  let total = 0;
  for (let bi = 0; bi < B; bi++) {
    const base = bi * O * P;
    ma.fill(0);
    mb.fill(0);
    for (let n0 = 0; n0 < P; n0 += w0) {
      const w = Math.min(w0, P - n0);
      softmaxTile(xs, base, O, P, n0, w, scale, tileS, c1, c2);
      softmaxTile(xt, base, O, P, n0, w, scale, tileT, c1, c2);
      for (let o = 0; o < O; o++) {
        const t = o * w;
        const row = o * P + n0;
        let sa = 0;
        let sb = 0;
        for (let i = 0; i < w; i++) {
          const x = tileS[t + i]!;
          const y = tileT[t + i]!;
          ps[row + i] = x;
          pt[row + i] = y;
          sa += x;
          sb += y;
        }
        ma[o]! += sa;
        mb[o]! += sb;
      }
    }
    for (let o = 0; o < O; o++) {
      const row = o * P;
      const mA = ma[o]! / P;
      const mB = mb[o]! / P;
      ma[o] = mA;
      mb[o] = mB;
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let n = 0; n < P; n++) {
        const x = ps[row + n]! - mA;
        const y = pt[row + n]! - mB;
        ab += x * y;
        aa += x * x;
        bb += y * y;
      }
      const prod = Math.sqrt(aa) * Math.sqrt(bb);
      const floored = !(prod > PEARSON_EPS);
      const d = floored ? PEARSON_EPS : prod;
      const r = ab / d;
      total += 1 - r;
      kOther[o] = k / d;
      kA[o] = floored ? 0 : (k * r) / aa;
      kB[o] = floored ? 0 : (k * r) / bb;
    }
    // ∂r/∂p (already centred, so centring's backward leaves it unchanged), then the softmax backward.
    for (let n0 = 0; n0 < P; n0 += w0) {
      const w = Math.min(w0, P - n0);
      for (let o = 0; o < O; o++) {
        const t = o * w;
        const row = o * P + n0;
        const mA = ma[o]!;
        const mB = mb[o]!;
        const kO = kOther[o]!;
        const a = kA[o]!;
        const b = kB[o]!;
        for (let i = 0; i < w; i++) {
          const x = ps[row + i]!;
          const y = pt[row + i]!;
          tileS[t + i] = x;
          tileT[t + i] = y;
          const xc = x - mA;
          const yc = y - mB;
          gS[t + i] = kO * yc - a * xc;
          gT[t + i] = kO * xc - b * yc;
        }
      }
      softmaxBackwardTile(tileS, gS, O, P, n0, w, scale, outS, base, c1);
      softmaxBackwardTile(tileT, gT, O, P, n0, w, scale, outT, base, c1);
    }
  }
  return total;
}
