/**
 * DIST's relation losses (Huang et al., "Knowledge Distillation from A Stronger Teacher", NeurIPS
 * 2022) over per-pixel object probabilities (METHODS.md §4): one forward/backward of
 * τ²·mean(1 − Pearson) along either axis of [B, O, P] probabilities p = softmax_O(logits/τ).
 */
import {
  ColumnSoftmax,
  expectFinite,
  expectShape,
  type FloatArray,
  InputError,
  type Tensor,
} from '@slotmatch/core';
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
 * Per image: (1) both softmaxes (core's ColumnSoftmax: p stays in the kernels' memory, slot 0 the
 * student's, 1 the teacher's), (2) the centred sums ⟨a_c, b_c⟩, ‖a_c‖², ‖b_c‖² of each vector and
 * from them r and the coefficients of ∂r/∂p, (3) those gradients and the softmax backward of both —
 * across objects column by column in one fused sweep ({@link ObjectsSweep}), across pixels row by row
 * into the softmax's g regions, then its backward ({@link PixelsSweep}).
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
  const count = B * (acrossObjects ? P : O); // vectors
  const k = (-tau * tau) / count; // ∂value/∂r
  const scale = 1 / tau;
  const xs = studentLogits.data;
  const xt = teacherLogits.data;
  const gradS = gradientLike(xs);
  const gradT = gradientLike(xt);
  const sm = new ColumnSoftmax(1, O, P, 2);
  const sweep = acrossObjects ? new ObjectsSweep() : new PixelsSweep();
  let total = 0;
  for (let bi = 0; bi < B; bi++) {
    const base = bi * O * P;
    // (1) softmaxes into the p regions
    const finiteS = sm.forward(0, xs, base, scale);
    const finiteT = sm.forward(1, xt, base, scale);
    if (!finiteS || !finiteT) {
      // the softmax saw a NaN/±∞: name the argument and value
      expectFinite('studentLogits', xs);
      expectFinite('teacherLogits', xt);
    }
    // (2), (3) along the axis
    total += sweep.run(sm, O, P, k, scale, gradS, gradT, base);
  }
  return {
    value: (tau * tau * total) / count,
    grads: {
      studentLogits: { data: gradS, dims: [...studentLogits.dims] },
      teacherLogits: { data: gradT, dims: [...teacherLogits.dims] },
    },
  };
}

/**
 * Pearson's r of (a, b) from its centred sums and the coefficients of ∂(k·r)/∂a = kO·b_c − kA·a_c and
 * ∂(k·r)/∂b = kO·a_c − kB·b_c (rule of {@link relationLoss}); `out` gets [r, kO, kA, kB].
 */
function pearsonCoefficients(ab: number, aa: number, bb: number, k: number, out: Float64Array): void {
  const prod = Math.sqrt(aa) * Math.sqrt(bb);
  const floored = !(prod > PEARSON_EPS);
  const d = floored ? PEARSON_EPS : prod;
  const r = ab / d;
  out[0] = r;
  out[1] = k / d;
  out[2] = floored ? 0 : (k * r) / aa;
  out[3] = floored ? 0 : (k * r) / bb;
}

/**
 * Across objects, pixel by pixel (one column of O values, `P` apart): centred sums (the mean of a
 * softmax column is 1/O), r, ∂r/∂p and the softmax backward of both — all while the column is in
 * cache, written straight into the gradients.
 */
class ObjectsSweep {
  private readonly c = new Float64Array(4);
  run(
    sm: ColumnSoftmax,
    O: number,
    P: number,
    k: number,
    scale: number,
    gradS: FloatArray,
    gradT: FloatArray,
    base: number,
  ): number {
    const m = 1 / O;
    const c = this.c;
    const v = sm.values;
    const W = sm.stride;
    const sOff = sm.pOffset(0);
    const tOff = sm.pOffset(1);
    const end = O * W;
    let total = 0;
    for (let n = 0; n < P; n++) {
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let i = n; i < end; i += W) {
        const x = v[sOff + i]! - m;
        const y = v[tOff + i]! - m;
        ab += x * y;
        aa += x * x;
        bb += y * y;
      }
      pearsonCoefficients(ab, aa, bb, k, c);
      total += 1 - c[0]!;
      const kO = c[1]!;
      const kA = c[2]!;
      const kB = c[3]!;
      // Σ_o p·∂r/∂p for the softmax backward, then the gradients
      let da = 0;
      let db = 0;
      for (let i = n; i < end; i += W) {
        const a = v[sOff + i]!;
        const b = v[tOff + i]!;
        const x = a - m;
        const y = b - m;
        da += a * (kO * y - kA * x);
        db += b * (kO * x - kB * y);
      }
      for (let i = n, o = base + n; i < end; i += W, o += P) {
        const a = v[sOff + i]!;
        const b = v[tOff + i]!;
        const x = a - m;
        const y = b - m;
        gradS[o] = scale * a * (kO * y - kA * x - da);
        gradT[o] = scale * b * (kO * x - kB * y - db);
      }
    }
    return total;
  }
}

/**
 * Across pixels, object by object (one row of P values): row means and centred sums, r and the
 * coefficients per object, then ∂r/∂p = kO·b − kA·a + (kA·ā − kO·b̄) (b alike) of every value into
 * the softmax's g regions, and the softmax backward of both.
 */
class PixelsSweep {
  private readonly c = new Float64Array(4);
  run(
    sm: ColumnSoftmax,
    O: number,
    P: number,
    k: number,
    scale: number,
    gradS: FloatArray,
    gradT: FloatArray,
    base: number,
  ): number {
    const c = this.c;
    const v = sm.values;
    const W = sm.stride;
    let total = 0;
    for (let o = 0; o < O; o++) {
      const ra = sm.pOffset(0) + o * W;
      const rb = sm.pOffset(1) + o * W;
      // two partial sums each (four independent add chains), then the tail
      let sa = 0;
      let sb = 0;
      let sa1 = 0;
      let sb1 = 0;
      let n = 0;
      for (; n + 1 < P; n += 2) {
        sa += v[ra + n]!;
        sb += v[rb + n]!;
        sa1 += v[ra + n + 1]!;
        sb1 += v[rb + n + 1]!;
      }
      if (n < P) {
        sa += v[ra + n]!;
        sb += v[rb + n]!;
      }
      const mA = (sa + sa1) / P;
      const mB = (sb + sb1) / P;
      // centred sums, two partial sums each (six independent add chains), then the tail
      let ab = 0;
      let aa = 0;
      let bb = 0;
      let ab1 = 0;
      let aa1 = 0;
      let bb1 = 0;
      n = 0;
      for (; n + 1 < P; n += 2) {
        const x = v[ra + n]! - mA;
        const y = v[rb + n]! - mB;
        const x1 = v[ra + n + 1]! - mA;
        const y1 = v[rb + n + 1]! - mB;
        ab += x * y;
        aa += x * x;
        bb += y * y;
        ab1 += x1 * y1;
        aa1 += x1 * x1;
        bb1 += y1 * y1;
      }
      if (n < P) {
        const x = v[ra + n]! - mA;
        const y = v[rb + n]! - mB;
        ab += x * y;
        aa += x * x;
        bb += y * y;
      }
      pearsonCoefficients(ab + ab1, aa + aa1, bb + bb1, k, c);
      total += 1 - c[0]!;
      const kO = c[1]!;
      const kA = c[2]!;
      const kB = c[3]!;
      const cA = kA * mA - kO * mB;
      const cB = kB * mB - kO * mA;
      const ga = sm.gOffset(0) + o * W;
      const gb = sm.gOffset(1) + o * W;
      for (let n = 0; n < P; n++) {
        const a = v[ra + n]!;
        const b = v[rb + n]!;
        v[ga + n] = kO * b - kA * a + cA;
        v[gb + n] = kO * a - kB * b + cB;
      }
    }
    sm.backward(0, scale, gradS, base);
    sm.backward(1, scale, gradT, base);
    return total;
  }
}
