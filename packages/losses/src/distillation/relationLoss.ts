/**
 * DIST's relation losses (Huang et al., "Knowledge Distillation from A Stronger Teacher", NeurIPS
 * 2022) over per-pixel object probabilities (METHODS.md §4): one forward/backward of
 * τ²·mean(1 − Pearson) along either axis of [B, O, P] probabilities p = softmax_O(logits/τ).
 */
import {
  expectShape,
  InputError,
  softmaxColumns,
  softmaxColumnsBackward,
  type Tensor,
} from '@slotmatch/core';
import { expectFiniteData } from '../common/checks.js';
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
 * leaves it unchanged. Across objects the mean of a softmax column is 1/O (the column sums to 1).
 *
 * Per image: (1) both softmaxes (core's vectorised softmaxColumns; the row means for 'pixels'),
 * (2) the centred sums ⟨a_c, b_c⟩, ‖a_c‖², ‖b_c‖² along the axis and from them the coefficients of
 * ∂r/∂p = k_o·b − k_a·a + c_a (and the same for b) per vector, (3) those gradients and the softmax
 * backward of both (softmaxColumnsBackward).
 */
export function relationLoss(
  studentLogits: Tensor,
  teacherLogits: Tensor,
  options: RelationOptions,
  axis: 'objects' | 'pixels',
): LossResult<'studentLogits' | 'teacherLogits'> {
  const sizes: Record<string, number> = {};
  expectShape('studentLogits', studentLogits, ['B', 'O', 'P'], sizes);
  expectShape('teacherLogits', teacherLogits, ['B', 'O', 'P'], sizes);
  const tau = options.tau ?? 1;
  if (!(tau > 0)) throw new InputError('options.tau', `must be > 0, got ${tau}`);
  const B = sizes.B!;
  const O = sizes.O!;
  const P = sizes.P!;
  const acrossObjects = axis === 'objects';
  const vectors = acrossObjects ? P : O; // per image
  const count = B * vectors;
  const k = (-tau * tau) / count; // ∂value/∂r
  const scale = 1 / tau;
  const xs = studentLogits.data;
  const xt = teacherLogits.data;
  const gradS = gradientLike(xs);
  const gradT = gradientLike(xt);
  const ps = new Float64Array(O * P);
  const pt = new Float64Array(O * P);
  const gs = new Float64Array(O * P);
  const gt = new Float64Array(O * P);
  // Per vector: means, centred sums, then the gradient coefficients (vector of (o, n): o or n).
  const meanA = new Float64Array(vectors);
  const meanB = new Float64Array(vectors);
  const ab = new Float64Array(vectors);
  const aa = new Float64Array(vectors);
  const bb = new Float64Array(vectors);
  const vo = acrossObjects ? 0 : 1; // vector index = o·vo + n·vn
  const vn = acrossObjects ? 1 : 0;
  let total = 0;
  for (let bi = 0; bi < B; bi++) {
    const base = bi * O * P;
    // (1) softmaxes into ps, pt (core's softmaxColumns); the means along the axis.
    const finiteS = softmaxColumns(xs, base, 1, O, P, scale, ps, 0);
    const finiteT = softmaxColumns(xt, base, 1, O, P, scale, pt, 0);
    if (!finiteS || !finiteT) {
      // the softmax saw a NaN/±∞: name the argument and value
      expectFiniteData('studentLogits', xs);
      expectFiniteData('teacherLogits', xt);
    }
    if (acrossObjects) {
      meanA.fill(1 / O);
      meanB.fill(1 / O);
    } else {
      for (let o = 0; o < O; o++) {
        const row = o * P;
        let sa = 0;
        let sb = 0;
        for (let n = 0; n < P; n++) {
          sa += ps[row + n]!;
          sb += pt[row + n]!;
        }
        meanA[o] = sa / P;
        meanB[o] = sb / P;
      }
    }
    // (2) centred sums along the axis, r, and the coefficients:
    // ∂r/∂a = kO·b − kA·a + (kA·ā − kO·b̄)  with kO = k/d, kA = k·r/‖a_c‖² (0 when floored); b alike.
    if (acrossObjects) {
      // per pixel: column accumulators over the O rows
      ab.fill(0);
      aa.fill(0);
      bb.fill(0);
      const m = 1 / O;
      for (let o = 0; o < O; o++) {
        const row = o * P;
        for (let n = 0; n < P; n++) {
          const x = ps[row + n]! - m;
          const y = pt[row + n]! - m;
          ab[n]! += x * y;
          aa[n]! += x * x;
          bb[n]! += y * y;
        }
      }
    } else {
      // per object: one row
      for (let o = 0; o < O; o++) {
        const row = o * P;
        const mA = meanA[o]!;
        const mB = meanB[o]!;
        let sab = 0;
        let saa = 0;
        let sbb = 0;
        for (let n = 0; n < P; n++) {
          const x = ps[row + n]! - mA;
          const y = pt[row + n]! - mB;
          sab += x * y;
          saa += x * x;
          sbb += y * y;
        }
        ab[o] = sab;
        aa[o] = saa;
        bb[o] = sbb;
      }
    }
    for (let v = 0; v < vectors; v++) {
      const sa = aa[v]!;
      const sb = bb[v]!;
      const prod = Math.sqrt(sa) * Math.sqrt(sb);
      const floored = !(prod > PEARSON_EPS);
      const d = floored ? PEARSON_EPS : prod;
      const r = ab[v]! / d;
      total += 1 - r;
      const kO = k / d;
      const kA = floored ? 0 : (k * r) / sa;
      const kB = floored ? 0 : (k * r) / sb;
      const mA = meanA[v]!;
      const mB = meanB[v]!;
      ab[v] = kO;
      aa[v] = kA;
      bb[v] = kB;
      meanA[v] = kA * mA - kO * mB; // c_a
      meanB[v] = kB * mB - kO * mA; // c_b
    }
    // (3) ∂r/∂p of both, then the softmax backward (core's softmaxColumnsBackward) into the gradients.
    for (let o = 0; o < O; o++) {
      const row = o * P;
      for (let n = 0; n < P; n++) {
        const v = o * vo + n * vn;
        const a = ps[row + n]!;
        const b = pt[row + n]!;
        const kO = ab[v]!;
        gs[row + n] = kO * b - aa[v]! * a + meanA[v]!;
        gt[row + n] = kO * a - bb[v]! * b + meanB[v]!;
      }
    }
    softmaxColumnsBackward(ps, 0, gs, 0, 1, O, P, scale, gradS, base);
    softmaxColumnsBackward(pt, 0, gt, 0, 1, O, P, scale, gradT, base);
  }
  return {
    value: (tau * tau * total) / count,
    grads: {
      studentLogits: { data: gradS, dims: [...studentLogits.dims] },
      teacherLogits: { data: gradT, dims: [...teacherLogits.dims] },
    },
  };
}
