/**
 * DIST's relation losses (Huang et al., "Knowledge Distillation from A Stronger Teacher", NeurIPS
 * 2022) over per-pixel object probabilities (METHODS.md §4): shared forward/backward of
 * τ²·mean(1 − Pearson) along one axis of [B, O, P] probabilities p = softmax_O(logits/τ).
 */
import { InputError, type Tensor } from '@slotmatch/core';
import { expectInput } from '../common/checks.js';
import type { LossResult } from '../common/LossResult.js';

/** Options of the relation losses. */
export interface RelationOptions {
  /** Softmax temperature τ (default 1, DIST); the loss is scaled by τ². */
  readonly tau?: number;
}

/** The floor of ‖a_c‖·‖b_c‖ (`torch.nn.functional.cosine_similarity`'s eps, used by DIST's Pearson). */
export const PEARSON_EPS = 1e-8;

/** p[b, :, n] = softmax over objects of logits[b, :, n]/τ. */
function softmaxObjects(
  logits: Tensor['data'],
  B: number,
  O: number,
  P: number,
  tau: number,
  out: Float64Array,
) {
  const inv = 1 / tau;
  for (let b = 0; b < B; b++) {
    const base = b * O * P;
    for (let n = 0; n < P; n++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let o = 0; o < O; o++) max = Math.max(max, logits[base + o * P + n]! * inv);
      let sum = 0;
      for (let o = 0; o < O; o++) {
        const e = Math.exp(logits[base + o * P + n]! * inv - max);
        out[base + o * P + n] = e;
        sum += e;
      }
      for (let o = 0; o < O; o++) out[base + o * P + n]! /= sum;
    }
  }
}

/** ∂L/∂logits = p·(g − Σ_o p·g)/τ per pixel, written to `out`. */
function softmaxObjectsBackward(
  p: Float64Array,
  g: Float64Array,
  B: number,
  O: number,
  P: number,
  tau: number,
  out: Float64Array,
) {
  const inv = 1 / tau;
  for (let b = 0; b < B; b++) {
    const base = b * O * P;
    for (let n = 0; n < P; n++) {
      let d = 0;
      for (let o = 0; o < O; o++) d += p[base + o * P + n]! * g[base + o * P + n]!;
      for (let o = 0; o < O; o++) {
        const q = base + o * P + n;
        out[q] = p[q]! * (g[q]! - d) * inv;
      }
    }
  }
}

/**
 * τ²·mean over vectors of (1 − Pearson(p^S, p^T)). `axis` 'objects': one vector per (b, pixel) of
 * length O (stride P); 'pixels': one per (b, object) of length P (contiguous).
 *
 * Pearson(a, b) = ⟨a_c, b_c⟩ / max(‖a_c‖·‖b_c‖, 1e-8) with a_c = a − mean(a); its gradient is
 * ∂/∂a = centre(b_c/d − r·a_c/‖a_c‖²) (or centre(b_c)/1e-8 when floored).
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
  softmaxObjects(studentLogits.data, B, O, P, tau, ps);
  softmaxObjects(teacherLogits.data, B, O, P, tau, pt);
  const gs = new Float64Array(size);
  const gt = new Float64Array(size);
  const byObjects = axis === 'objects';
  const count = byObjects ? B * P : B * O;
  const len = byObjects ? O : P;
  const stride = byObjects ? P : 1;
  const k = (-tau * tau) / count; // ∂value/∂r
  let total = 0;
  for (let v = 0; v < count; v++) {
    const start = byObjects ? Math.floor(v / P) * O * P + (v % P) : v * P;
    let ma = 0;
    let mb = 0;
    for (let l = 0; l < len; l++) {
      ma += ps[start + l * stride]!;
      mb += pt[start + l * stride]!;
    }
    ma /= len;
    mb /= len;
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let l = 0; l < len; l++) {
      const a = ps[start + l * stride]! - ma;
      const b = pt[start + l * stride]! - mb;
      ab += a * b;
      aa += a * a;
      bb += b * b;
    }
    const prod = Math.sqrt(aa) * Math.sqrt(bb);
    const floored = !(prod > PEARSON_EPS);
    const den = floored ? PEARSON_EPS : prod;
    const r = ab / den;
    total += 1 - r;
    // ∂r/∂a_c = b_c/den − r·a_c/‖a_c‖² (unfloored); centring's backward subtracts the mean, which is
    // already zero for a_c and b_c, so the centred vectors can be used directly.
    const ka = floored ? 0 : r / aa;
    const kb = floored ? 0 : r / bb;
    for (let l = 0; l < len; l++) {
      const q = start + l * stride;
      const a = ps[q]! - ma;
      const b = pt[q]! - mb;
      gs[q] = k * (b / den - ka * a);
      gt[q] = k * (a / den - kb * b);
    }
  }
  const gradS = new Float64Array(size);
  const gradT = new Float64Array(size);
  softmaxObjectsBackward(ps, gs, B, O, P, tau, gradS);
  softmaxObjectsBackward(pt, gt, B, O, P, tau, gradT);
  return {
    value: (tau * tau * total) / count,
    grads: {
      studentLogits: { data: gradS, dims: [...studentLogits.dims] },
      teacherLogits: { data: gradT, dims: [...teacherLogits.dims] },
    },
  };
}
