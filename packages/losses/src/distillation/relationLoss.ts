/**
 * DIST's relation losses (Huang et al., "Knowledge Distillation from A Stronger Teacher", NeurIPS
 * 2022) over per-pixel object probabilities (METHODS.md §4): shared forward/backward of
 * τ²·mean(1 − Pearson) along one axis of [B, O, P] probabilities p = softmax_O(logits/τ).
 */
import { InputError, type Tensor } from '@slotmatch/core';
import { expectInput } from '../common/checks.js';
import type { LossResult } from '../common/LossResult.js';
import { softmaxMiddleAxis, softmaxMiddleAxisBackward } from '../common/softmaxMiddleAxis.js';

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
  const size = B * O * P;
  const ps = new Float64Array(size);
  const pt = new Float64Array(size);
  softmaxMiddleAxis(studentLogits.data, B, O, P, ps, 1 / tau);
  softmaxMiddleAxis(teacherLogits.data, B, O, P, pt, 1 / tau);
  // Centred copies: a = p^S − mean, b = p^T − mean along the axis (p is kept for the softmax backward).
  const a = ps.slice();
  const b = pt.slice();
  const gs = new Float64Array(size);
  const gt = new Float64Array(size);
  const count = axis === 'objects' ? B * P : B * O;
  const k = (-tau * tau) / count; // ∂value/∂r
  const total =
    axis === 'objects' ? acrossObjects(a, b, gs, gt, B, O, P, k) : acrossPixels(a, b, gs, gt, B, O, P, k);
  const gradS = new Float64Array(size);
  const gradT = new Float64Array(size);
  softmaxMiddleAxisBackward(ps, gs, B, O, P, gradS, 1 / tau);
  softmaxMiddleAxisBackward(pt, gt, B, O, P, gradT, 1 / tau);
  return {
    value: (tau * tau * total) / count,
    grads: {
      studentLogits: { data: gradS, dims: [...studentLogits.dims] },
      teacherLogits: { data: gradT, dims: [...teacherLogits.dims] },
    },
  };
}

/** Pearson across the O objects at each pixel; rows of P values are walked contiguously. */
function acrossObjects(
  a: Float64Array,
  b: Float64Array,
  ga: Float64Array,
  gb: Float64Array,
  B: number,
  O: number,
  P: number,
  k: number,
): number {
  const ma = new Float64Array(P);
  const mb = new Float64Array(P);
  const ab = new Float64Array(P);
  const aa = new Float64Array(P);
  const bb = new Float64Array(P);
  let total = 0;
  for (let bi = 0; bi < B; bi++) {
    const base = bi * O * P;
    ma.fill(0);
    mb.fill(0);
    for (let o = 0; o < O; o++) {
      const row = base + o * P;
      for (let n = 0; n < P; n++) {
        ma[n]! += a[row + n]!;
        mb[n]! += b[row + n]!;
      }
    }
    for (let n = 0; n < P; n++) {
      ma[n]! /= O;
      mb[n]! /= O;
    }
    ab.fill(0);
    aa.fill(0);
    bb.fill(0);
    for (let o = 0; o < O; o++) {
      const row = base + o * P;
      for (let n = 0; n < P; n++) {
        const x = a[row + n]! - ma[n]!;
        const y = b[row + n]! - mb[n]!;
        a[row + n] = x;
        b[row + n] = y;
        ab[n]! += x * y;
        aa[n]! += x * x;
        bb[n]! += y * y;
      }
    }
    // Per pixel: r, then reuse the buffers for the coefficients of ∂r/∂a_c = b_c/d − (r/‖a_c‖²)·a_c.
    for (let n = 0; n < P; n++) {
      const prod = Math.sqrt(aa[n]!) * Math.sqrt(bb[n]!);
      const floored = !(prod > PEARSON_EPS);
      const d = floored ? PEARSON_EPS : prod;
      const r = ab[n]! / d;
      total += 1 - r;
      ma[n] = k / d; // coefficient of the other vector
      mb[n] = floored ? 0 : (k * r) / aa[n]!;
      ab[n] = floored ? 0 : (k * r) / bb[n]!;
    }
    for (let o = 0; o < O; o++) {
      const row = base + o * P;
      for (let n = 0; n < P; n++) {
        const x = a[row + n]!;
        const y = b[row + n]!;
        ga[row + n] = ma[n]! * y - mb[n]! * x;
        gb[row + n] = ma[n]! * x - ab[n]! * y;
      }
    }
  }
  return total;
}

/** Pearson across the P pixels of each object (contiguous rows). */
function acrossPixels(
  a: Float64Array,
  b: Float64Array,
  ga: Float64Array,
  gb: Float64Array,
  B: number,
  O: number,
  P: number,
  k: number,
): number {
  let total = 0;
  for (let v = 0; v < B * O; v++) {
    const row = v * P;
    let ma = 0;
    let mb = 0;
    for (let n = 0; n < P; n++) {
      ma += a[row + n]!;
      mb += b[row + n]!;
    }
    ma /= P;
    mb /= P;
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let n = 0; n < P; n++) {
      const x = a[row + n]! - ma;
      const y = b[row + n]! - mb;
      a[row + n] = x;
      b[row + n] = y;
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    const prod = Math.sqrt(aa) * Math.sqrt(bb);
    const floored = !(prod > PEARSON_EPS);
    const d = floored ? PEARSON_EPS : prod;
    const r = ab / d;
    total += 1 - r;
    const kOther = k / d;
    const kA = floored ? 0 : (k * r) / aa;
    const kB = floored ? 0 : (k * r) / bb;
    for (let n = 0; n < P; n++) {
      const x = a[row + n]!;
      const y = b[row + n]!;
      ga[row + n] = kOther * y - kA * x;
      gb[row + n] = kOther * x - kB * y;
    }
  }
  return total;
}
