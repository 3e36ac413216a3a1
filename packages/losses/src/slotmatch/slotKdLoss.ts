import {
  type DimSpec,
  expectShape,
  type FloatArray,
  gemmNN,
  gemmNT,
  gemmTN,
  InputError,
  optimalAssignment,
  type Tensor,
} from '@slotmatch/core';
import { expectFiniteUnless, expectInput } from '../common/checks.js';
import { gradientLike, storedLike } from '../common/gradientLike.js';
import { NORM_EPS } from '../common/rows.js';

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
    readonly teacher: Tensor;
    readonly student: Tensor;
    readonly projectionWeight?: Tensor;
    readonly projectionBias?: Tensor;
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
 * `teacher`: [B, T, K, S]; `student`: [B, T, K, S']. With the `'index'` correspondence every input value
 * reaches the value through products and norms, so finiteness is checked from the value
 * ({@link expectFiniteUnless}); the Hungarian matching needs finite costs, so it checks up front.
 */
export function slotKdLoss(teacher: Tensor, student: Tensor, options: SlotKdOptions = {}): SlotKdResult {
  const sizes: Record<string, number> = {};
  const correspondence = options.correspondence ?? 'index';
  const hungarian = correspondence === 'hungarian';
  const check = (name: string, t: Tensor, dims: DimSpec) =>
    hungarian ? expectInput(name, t, dims, sizes) : expectShape(name, t, dims, sizes);
  check('teacher', teacher, ['B', 'T', 'K', 'S']);
  check('student', student, ['B', 'T', 'K', "S'"]);
  if (correspondence !== 'index' && !hungarian) {
    throw new InputError(
      'options.correspondence',
      `must be 'index' or 'hungarian', got ${String(correspondence)}`,
    );
  }
  const projection = options.projection;
  if (projection !== undefined) {
    check('options.projection.weight', projection.weight, ['S', "S'"]);
    if (projection.bias !== undefined) check('options.projection.bias', projection.bias, ['S']);
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

  // p = s·Wᵀ + b per slot (core's gemmNT), or the student itself.
  let p: FloatArray = sd;
  if (projection !== undefined) {
    const proj = new Float64Array(M * S);
    const bias = projection.bias?.data;
    if (bias !== undefined) {
      // every row starts as b (copied in doubling spans: log₂M copies); the gemm accumulates s·Wᵀ onto it
      proj.set(bias);
      for (let filled = S; filled < M * S; filled *= 2)
        proj.copyWithin(filled, 0, Math.min(filled, M * S - filled));
    }
    gemmNT(M, S, Sp, sd, 0, projection.weight.data, 0, proj, 0, 1, bias !== undefined);
    p = proj;
  }
  const td = teacher.data;
  // Norms up front only for the matching's cosines; the sweep below recomputes them with its dot products.
  const tNorm = hungarian ? rowNorms(td, M, S) : new Float64Array(0);
  const pNorm = hungarian ? rowNorms(p, M, S) : new Float64Array(0);

  const matching = new Int32Array(M);
  const cost = new Float64Array(K * K);
  for (let f = 0; f < B * T; f++) {
    const base = f * K;
    if (correspondence === 'index') {
      for (let k = 0; k < K; k++) matching[base + k] = k;
      continue;
    }
    // cost[k, l] = 1 − ⟨t_k, p_l⟩/(‖t_k‖·‖p_l‖) = 1 − ⟨t̂_k, p̂_l⟩
    gemmNT(K, K, S, td, base * S, p, base * S, cost, 0);
    for (let k = 0; k < K; k++) {
      const it = 1 / tNorm[base + k]!;
      for (let l = 0; l < K; l++) cost[k * K + l] = 1 - (cost[k * K + l]! * it) / pNorm[base + l]!;
    }
    const a = optimalAssignment(cost, K, K);
    for (let q = 0; q < K; q++) matching[base + a.rows[q]!] = a.cols[q]!;
  }

  // For each pair (t, p) with c = ⟨t̂, p̂⟩ (t̂ = t/‖t‖): ∂(1 − c)/∂t = −(p̂ − c·t̂)/‖t‖ (−p̂/1e-12 where the
  // norm is floored), and the same with the roles swapped for p; each scaled by 1/M. One sweep over the
  // raw rows: no normalised copies.
  const gTeacher = gradientLike(td);
  const gp = projection === undefined ? gradientLike(sd) : new Float64Array(M * S);
  const gBias = projection?.bias === undefined ? undefined : new Float64Array(S);
  let total = 0;
  const inv = 1 / M;
  for (let rt = 0; rt < M; rt++) {
    const rp = rt - (rt % K) + matching[rt]!;
    const to = rt * S;
    const po = rp * S;
    // Two partial sums each (even/odd i): six independent add chains instead of three.
    let d = 0;
    let st = 0;
    let sp = 0;
    let d1 = 0;
    let st1 = 0;
    let sp1 = 0;
    let i = 0;
    for (; i + 1 < S; i += 2) {
      const x = td[to + i]!;
      const y = p[po + i]!;
      const x1 = td[to + i + 1]!;
      const y1 = p[po + i + 1]!;
      d += x * y;
      st += x * x;
      sp += y * y;
      d1 += x1 * y1;
      st1 += x1 * x1;
      sp1 += y1 * y1;
    }
    if (i < S) {
      const x = td[to + i]!;
      const y = p[po + i]!;
      d += x * y;
      st += x * x;
      sp += y * y;
    }
    d += d1;
    st += st1;
    sp += sp1;
    const nt = Math.max(Math.sqrt(st), NORM_EPS);
    const np = Math.max(Math.sqrt(sp), NORM_EPS);
    const it = 1 / nt;
    const ip = 1 / np;
    const c = d * it * ip;
    total += 1 - c;
    const ct = nt === NORM_EPS ? 0 : c;
    const cp = np === NORM_EPS ? 0 : c;
    // gT = −(1/M)/‖t‖·(p·ip − ct·t·it), gp = −(1/M)/‖p‖·(t·it − cp·p·ip)
    const tp = -inv * it * ip;
    const tt = inv * it * it * ct;
    const pp = inv * ip * ip * cp;
    if (gBias === undefined) {
      for (let i = 0; i < S; i++) {
        const x = td[to + i]!;
        const y = p[po + i]!;
        gTeacher[to + i] = tp * y + tt * x;
        gp[po + i] = tp * x + pp * y;
      }
    } else {
      // ∂b = Σ_r ∂p[r], summed while the row is written
      for (let i = 0; i < S; i++) {
        const x = td[to + i]!;
        const y = p[po + i]!;
        const v = tp * x + pp * y;
        gTeacher[to + i] = tp * y + tt * x;
        gp[po + i] = v;
        gBias[i]! += v;
      }
    }
  }
  if (!hungarian) {
    expectFiniteUnless(total, [
      ['teacher', teacher],
      ['student', student],
      ['options.projection.weight', projection?.weight],
      ['options.projection.bias', projection?.bias],
    ]);
  }
  const grads: {
    teacher: Tensor;
    student: Tensor;
    projectionWeight?: Tensor;
    projectionBias?: Tensor;
  } = {
    teacher: { data: gTeacher, dims: [...teacher.dims] },
    student: { data: gp, dims: [...student.dims] },
  };
  if (projection !== undefined) {
    // ∂s = ∂p·W, ∂W = ∂pᵀ·s, ∂b = Σ_r ∂p[r]  (gemmNN / gemmTN read ∂p, W and s as they are)
    const wd = projection.weight.data;
    const gs = new Float64Array(M * Sp);
    gemmNN(M, Sp, S, gp, 0, wd, 0, gs, 0);
    const gw = new Float64Array(S * Sp);
    gemmTN(S, Sp, M, gp, 0, sd, 0, gw, 0);
    grads.student = { data: storedLike(sd, gs), dims: [...student.dims] };
    grads.projectionWeight = { data: storedLike(wd, gw), dims: [...projection.weight.dims] };
    if (projection.bias !== undefined && gBias !== undefined) {
      grads.projectionBias = {
        data: storedLike(projection.bias.data, gBias),
        dims: [...projection.bias.dims],
      };
    }
  }
  return { value: total * inv, grads, matching };
}

/** max(‖row‖, 1e-12) of each of `count` rows of `width` values. */
function rowNorms(x: FloatArray, count: number, width: number): Float64Array {
  const out = new Float64Array(count);
  for (let r = 0; r < count; r++) {
    const o = r * width;
    // four partial sums (independent add chains), then the tail
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = 0;
    for (; i + 3 < width; i += 4) {
      s0 += x[o + i]! * x[o + i]!;
      s1 += x[o + i + 1]! * x[o + i + 1]!;
      s2 += x[o + i + 2]! * x[o + i + 2]!;
      s3 += x[o + i + 3]! * x[o + i + 3]!;
    }
    for (; i < width; i++) s0 += x[o + i]! * x[o + i]!;
    out[r] = Math.max(Math.sqrt(s0 + s1 + (s2 + s3)), NORM_EPS);
  }
  return out;
}
