/**
 * DIST's relation losses (Huang et al., "Knowledge Distillation from A Stronger Teacher", NeurIPS
 * 2022) over per-pixel object probabilities (METHODS.md §4): one forward/backward of
 * τ²·mean(1 − Pearson) along either axis of [B, O, P] probabilities p = softmax_O(logits/τ).
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

/** Pixels per tile: the softmax and backward passes keep O rows of this many values in cache. */
const TILE = 512;

/**
 * τ²·mean over vectors of (1 − Pearson(p^S, p^T)). `axis` 'objects': one vector per (b, pixel) of
 * length O; 'pixels': one per (b, object) of length P.
 *
 * Pearson(a, b) = ⟨a_c, b_c⟩ / d with a_c = a − mean(a), d = max(‖a_c‖·‖b_c‖, 1e-8); its gradient is
 * ∂r/∂a = b_c/d − r·a_c/‖a_c‖² (b_c/1e-8 when floored) — already centred, so centring's backward
 * leaves it unchanged. Across objects the mean of a softmax column is 1/O (the column sums to 1).
 *
 * Per image, three sweeps: (1) both softmaxes tile by tile (max, exp, sum, scale; the row sums for
 * 'pixels'), (2) the centred sums ⟨a_c, b_c⟩, ‖a_c‖², ‖b_c‖² along the axis and from them the
 * coefficients of ∂r/∂p = k_o·b − k_a·a + c_a (and the same for b) per vector, (3) tile by tile, those
 * gradients and the softmax backward of both.
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
  const acrossObjects = axis === 'objects';
  const vectors = acrossObjects ? P : O; // per image
  const count = B * vectors;
  const k = (-tau * tau) / count; // ∂value/∂r
  const scale = 1 / tau;
  const xs = studentLogits.data;
  const xt = teacherLogits.data;
  const gradS = gradientLike(xs);
  const gradT = gradientLike(xt);
  const w0 = Math.min(TILE, P);
  const ps = new Float64Array(O * P);
  const pt = new Float64Array(O * P);
  const gs = new Float64Array(O * w0);
  const gt = new Float64Array(O * w0);
  const t1 = new Float64Array(w0);
  const t2 = new Float64Array(w0);
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
    // (1) softmaxes into ps, pt; the means along the axis.
    for (let n0 = 0; n0 < P; n0 += w0) {
      const w = Math.min(w0, P - n0);
      softmaxTile(xs, base, O, P, n0, w, scale, ps, t1, t2);
      softmaxTile(xt, base, O, P, n0, w, scale, pt, t1, t2);
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
    // (3) gradients and the softmax backward of both, tile by tile.
    for (let n0 = 0; n0 < P; n0 += w0) {
      const w = Math.min(w0, P - n0);
      t1.fill(0, 0, w);
      t2.fill(0, 0, w);
      for (let o = 0; o < O; o++) {
        const row = o * P + n0;
        const t = o * w;
        for (let i = 0; i < w; i++) {
          const v = o * vo + (n0 + i) * vn;
          const a = ps[row + i]!;
          const b = pt[row + i]!;
          const kO = ab[v]!;
          const ga = kO * b - aa[v]! * a + meanA[v]!;
          const gb = kO * a - bb[v]! * b + meanB[v]!;
          gs[t + i] = ga;
          gt[t + i] = gb;
          t1[i]! += a * ga;
          t2[i]! += b * gb;
        }
      }
      for (let o = 0; o < O; o++) {
        const row = o * P + n0;
        const t = o * w;
        const out = base + row;
        for (let i = 0; i < w; i++) {
          gradS[out + i] = scale * ps[row + i]! * (gs[t + i]! - t1[i]!);
          gradT[out + i] = scale * pt[row + i]! * (gt[t + i]! - t2[i]!);
        }
      }
    }
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
 * p[o·P + n0 + i] = softmax over o of scale·x[base + o·P + n0 + i] for the w pixels of a tile (`max`
 * and `sum` hold w values): a max sweep, the shifted values, exp row by row, the sums, the scaling.
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
    const r = o * P + n0;
    for (let i = 0; i < w; i++) p[r + i] = scale * x[row + i]! - max[i]!;
    expInPlace(p, r, w);
  }
  sum.fill(0, 0, w);
  for (let o = 0; o < O; o++) {
    const r = o * P + n0;
    for (let i = 0; i < w; i++) sum[i]! += p[r + i]!;
  }
  for (let i = 0; i < w; i++) sum[i] = 1 / sum[i]!;
  for (let o = 0; o < O; o++) {
    const r = o * P + n0;
    for (let i = 0; i < w; i++) p[r + i]! *= sum[i]!;
  }
}
