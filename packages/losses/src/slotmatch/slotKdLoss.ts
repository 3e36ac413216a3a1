import { InputError, optimalAssignment, type Tensor } from '@slotmatch/core';
import { expectInput } from '../common/checks.js';
import { normalizeBackwardRow, normalizeRows } from '../common/rows.js';

/** A learned linear map of student slots to the teacher's width: p = W·s + b (torch `nn.Linear` layout). */
export interface SlotProjection {
  /** W: [S, S'] (out = teacher width S, in = student width S'). */
  readonly weight: Tensor;
  /** b: [S] (optional). */
  readonly bias?: Tensor;
}

/** Options of {@link slotKdLoss}. */
export interface SlotKdOptions {
  /**
   * Which student slot distils teacher slot k: `'index'` (the same k — default; both models start
   * from learned fixed slots) or `'hungarian'` (per frame, the one-to-one matching maximising
   * Σ cos, found without gradient with core's `optimalAssignment` on 1 − cos, as scipy's
   * `linear_sum_assignment` in the torch reference).
   */
  readonly correspondence?: 'index' | 'hungarian';
  /** Student → teacher width projection; required when S' ≠ S. */
  readonly projection?: SlotProjection;
}

/** Result of {@link slotKdLoss}: value, gradients, and the correspondence used. */
export interface SlotKdResult {
  readonly value: number;
  readonly grads: {
    readonly teacher: Tensor<Float64Array>;
    readonly student: Tensor<Float64Array>;
    readonly projectionWeight?: Tensor<Float64Array>;
    readonly projectionBias?: Tensor<Float64Array>;
  };
  /** [B, T, K]: the student slot matched to each teacher slot (the identity for `'index'`). */
  readonly matching: Int32Array;
}

/**
 * L_slot-KD of SlotMatch (METHODS.md §2, arXiv 2508.03411):
 *
 *   p = projection(student) (or the student itself);  π = correspondence
 *   value = mean over b, t, k of 1 − cos(teacher_{b,t,k}, p_{b,t,π(k)})
 *
 * with cos(u, v) = ⟨u/max(‖u‖, 1e-12), v/max(‖v‖, 1e-12)⟩. Gradients: ∂/∂û = −v̂/n, ∂/∂v̂ = −û/n
 * (n = B·T·K) through each normalisation, then through the projection (∂W = Σ ∂p·sᵀ, ∂b = Σ ∂p,
 * ∂s = Wᵀ·∂p). The teacher's gradient is returned too; SlotMatch keeps the teacher frozen and
 * ignores it.
 *
 * `teacher`: [B, T, K, S]; `student`: [B, T, K, S'].
 */
export function slotKdLoss(teacher: Tensor, student: Tensor, options: SlotKdOptions = {}): SlotKdResult {
  const sizes: Record<string, number> = {};
  expectInput('teacher', teacher, ['B', 'T', 'K', 'S'], sizes);
  expectInput('student', student, ['B', 'T', 'K', "S'"], sizes);
  const correspondence = options.correspondence ?? 'index';
  if (correspondence !== 'index' && correspondence !== 'hungarian') {
    throw new InputError(
      'options.correspondence',
      `must be 'index' or 'hungarian', got ${String(correspondence)}`,
    );
  }
  const projection = options.projection;
  if (projection !== undefined) {
    expectInput('options.projection.weight', projection.weight, ['S', "S'"], sizes);
    if (projection.bias !== undefined) expectInput('options.projection.bias', projection.bias, ['S'], sizes);
  } else if (sizes.S !== sizes["S'"]) {
    throw new InputError(
      'student',
      `has width S'=${sizes["S'"]} but the teacher has S=${sizes.S}: pass options.projection (weight [S,S'])`,
    );
  }
  const B = sizes.B!;
  const T = sizes.T!;
  const K = sizes.K!;
  const S = sizes.S!;
  const Sp = sizes["S'"]!;
  const M = B * T * K;
  const sd = student.data;

  // p = W·s + b per slot (or s).
  let p: Float64Array;
  if (projection !== undefined) {
    p = new Float64Array(M * S);
    const w = projection.weight.data;
    const bias = projection.bias?.data;
    for (let r = 0; r < M; r++) {
      const so = r * Sp;
      for (let o = 0; o < S; o++) {
        const wo = o * Sp;
        let acc = bias === undefined ? 0 : bias[o]!;
        for (let i = 0; i < Sp; i++) acc += w[wo + i]! * sd[so + i]!;
        p[r * S + o] = acc;
      }
    }
  } else {
    p = sd instanceof Float64Array ? sd : Float64Array.from(sd);
  }
  const tn = new Float64Array(M * S);
  const tNorm = new Float64Array(M);
  const pn = new Float64Array(M * S);
  const pNorm = new Float64Array(M);
  normalizeRows(teacher.data, M, S, tn, tNorm);
  normalizeRows(p, M, S, pn, pNorm);

  const matching = new Int32Array(M);
  const cost = new Float64Array(K * K);
  for (let f = 0; f < B * T; f++) {
    const base = f * K;
    if (correspondence === 'index') {
      for (let k = 0; k < K; k++) matching[base + k] = k;
      continue;
    }
    for (let k = 0; k < K; k++) {
      for (let l = 0; l < K; l++) cost[k * K + l] = 1 - dot(tn, (base + k) * S, pn, (base + l) * S, S);
    }
    const a = optimalAssignment(cost, K, K);
    for (let q = 0; q < K; q++) matching[base + a.rows[q]!] = a.cols[q]!;
  }

  const gtn = new Float64Array(M * S);
  const gpn = new Float64Array(M * S);
  let total = 0;
  const inv = 1 / M;
  for (let f = 0; f < B * T; f++) {
    for (let k = 0; k < K; k++) {
      const tr = (f * K + k) * S;
      const pr = (f * K + matching[f * K + k]!) * S;
      total += 1 - dot(tn, tr, pn, pr, S);
      for (let i = 0; i < S; i++) {
        gtn[tr + i] = -pn[pr + i]! * inv;
        gpn[pr + i] = -tn[tr + i]! * inv;
      }
    }
  }
  const gTeacher = new Float64Array(M * S);
  const gp = new Float64Array(M * S);
  for (let r = 0; r < M; r++) {
    normalizeBackwardRow(gtn, r * S, tn, r * S, tNorm[r]!, S, gTeacher, r * S);
    normalizeBackwardRow(gpn, r * S, pn, r * S, pNorm[r]!, S, gp, r * S);
  }
  const grads: {
    teacher: Tensor<Float64Array>;
    student: Tensor<Float64Array>;
    projectionWeight?: Tensor<Float64Array>;
    projectionBias?: Tensor<Float64Array>;
  } = {
    teacher: { data: gTeacher, dims: [...teacher.dims] },
    student: { data: gp, dims: [...student.dims] },
  };
  if (projection !== undefined) {
    const w = projection.weight.data;
    const gw = new Float64Array(S * Sp);
    const gb = new Float64Array(S);
    const gs = new Float64Array(M * Sp);
    for (let r = 0; r < M; r++) {
      const so = r * Sp;
      for (let o = 0; o < S; o++) {
        const g = gp[r * S + o]!;
        if (g === 0) continue;
        gb[o]! += g;
        const wo = o * Sp;
        for (let i = 0; i < Sp; i++) {
          gw[wo + i]! += g * sd[so + i]!;
          gs[so + i]! += g * w[wo + i]!;
        }
      }
    }
    grads.student = { data: gs, dims: [...student.dims] };
    grads.projectionWeight = { data: gw, dims: [...projection.weight.dims] };
    if (projection.bias !== undefined) grads.projectionBias = { data: gb, dims: [...projection.bias.dims] };
  }
  return { value: total * inv, grads, matching };
}

function dot(u: Float64Array, uo: number, v: Float64Array, vo: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += u[uo + i]! * v[vo + i]!;
  return s;
}
