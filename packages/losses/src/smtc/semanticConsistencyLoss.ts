import { InputError, type SinkhornOptions, sinkhornPlan, type Tensor } from '@slotmatch/core';
import { expectInput } from '../common/checks.js';
import type { LossResult } from '../common/LossResult.js';
import { normalizeRows } from '../common/rows.js';
import { softmaxOverSlots, softmaxOverSlotsBackward } from './softmaxSlots.js';

/**
 * L_sem of SMTC (METHODS.md §3; shvdiwnkozbw/SMTC src/train.py, `dense_transport_loss` with
 * `sinkhorn_cluster`): the semantic slot masks of two frames must agree along a dense transport plan
 * between their tokens.
 *
 * For each video b and ordered frame pair i ≠ j:
 *
 *   x̂ = teacher tokens / max(‖·‖, 1e-12);  μ_i[n] = ‖x̂_{i,n}‖₁;  C[n, m] = 1 − ⟨x̂_{i,n}, x̂_{j,m}⟩
 *   Π = Sinkhorn(μ_i, μ_j, C; ε, iterations)           (core's `sinkhornPlan`; no gradient)
 *   CE[n, m] = −Σ_s p^T_j[s, m]·log(p^S_i[s, n] + 1e-8),  p = softmax over slots of the logits
 *   value = mean over (b, pair) of Σ_{n,m} Π[n, m]·CE[n, m]
 *
 * Backward (student only — the teacher is SMTC's EMA copy and gets none):
 * ∂/∂log(p^S_i + 1e-8)[s, n] = −Σ_m Π[n, m]·p^T_j[s, m] / (B·T·(T−1)), then through the log and the
 * softmax.
 *
 * `studentLogits`, `teacherLogits`: [B, T, S, N] (semantic attention logits); `teacherTokens`:
 * [B, T, N, C] (the teacher's un-fused keys). T ≥ 2.
 */
export function semanticConsistencyLoss(
  studentLogits: Tensor,
  teacherLogits: Tensor,
  teacherTokens: Tensor,
  options: SinkhornOptions = {},
): LossResult<'studentLogits'> {
  const sizes: Record<string, number> = {};
  expectInput('studentLogits', studentLogits, ['B', 'T', 'S', 'N'], sizes);
  expectInput('teacherLogits', teacherLogits, ['B', 'T', 'S', 'N'], sizes);
  expectInput('teacherTokens', teacherTokens, ['B', 'T', 'N', 'C'], sizes);
  const B = sizes.B!;
  const T = sizes.T!;
  const S = sizes.S!;
  const N = sizes.N!;
  const C = sizes.C!;
  if (T < 2) throw new InputError('studentLogits', `has T=${T} frames, expected [B,T,S,N] with T >= 2`);
  const eps = options.eps ?? 0.05;
  const iterations = options.iterations ?? 3;
  if (!(eps > 0)) throw new InputError('options.eps', `must be > 0, got ${eps}`);
  const frames = B * T;
  const x = new Float64Array(frames * N * C);
  const norms = new Float64Array(frames * N);
  normalizeRows(teacherTokens.data, frames * N, C, x, norms);
  const mu = new Float64Array(frames * N);
  for (let r = 0; r < frames * N; r++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.abs(x[r * C + c]!);
    mu[r] = s;
  }
  const size = frames * S * N;
  const ps = new Float64Array(size);
  const pt = new Float64Array(size);
  softmaxOverSlots(studentLogits.data, frames, S, N, ps);
  softmaxOverSlots(teacherLogits.data, frames, S, N, pt);
  const gLog = new Float64Array(size);
  const costIJ = new Float64Array(N * N);
  const costJI = new Float64Array(N * N);
  const plan = new Float64Array(N * N);
  const scale = 1 / (B * T * (T - 1));
  const opts = { eps, iterations };
  let total = 0;
  // One transported cross-entropy for the ordered pair (i, j), accumulating ∂/∂log p^S_i.
  const pair = (b: number, i: number, j: number, cost: Float64Array) => {
    const fi = b * T + i;
    const fj = b * T + j;
    sinkhornPlan(mu, mu, cost, N, N, opts, plan, { muS: fi * N, muT: fj * N });
    const si = fi * S * N;
    const tj = fj * S * N;
    for (let s = 0; s < S; s++) {
      const ptRow = tj + s * N;
      const lo = si + s * N;
      for (let n = 0; n < N; n++) {
        // Q[s, n] = Σ_m p^T_j[s, m]·Π[n, m]
        const pr = n * N;
        let q0 = 0;
        let q1 = 0;
        let m = 0;
        for (; m + 1 < N; m += 2) {
          q0 += pt[ptRow + m]! * plan[pr + m]!;
          q1 += pt[ptRow + m + 1]! * plan[pr + m + 1]!;
        }
        if (m < N) q0 += pt[ptRow + m]! * plan[pr + m]!;
        const q = q0 + q1;
        total -= q * Math.log(ps[lo + n]! + 1e-8);
        gLog[lo + n]! -= q * scale;
      }
    }
  };
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < T; i++) {
      for (let j = i + 1; j < T; j++) {
        const xi = (b * T + i) * N * C;
        const xj = (b * T + j) * N * C;
        for (let n = 0; n < N; n++) {
          for (let m = 0; m < N; m++) {
            const c = 1 - dot4(x, xi + n * C, x, xj + m * C, C);
            costIJ[n * N + m] = c;
            costJI[m * N + n] = c;
          }
        }
        pair(b, i, j, costIJ);
        pair(b, j, i, costJI);
      }
    }
  }
  // Through log(p + 1e-8) and the softmax over slots.
  for (let q = 0; q < size; q++) gLog[q] = gLog[q]! / (ps[q]! + 1e-8);
  const grad = new Float64Array(size);
  softmaxOverSlotsBackward(ps, gLog, frames, S, N, grad);
  return { value: total * scale, grads: { studentLogits: { data: grad, dims: [...studentLogits.dims] } } };
}

function dot4(u: Float64Array, uo: number, v: Float64Array, vo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let r = 0;
  for (; r + 3 < n; r += 4) {
    s0 += u[uo + r]! * v[vo + r]!;
    s1 += u[uo + r + 1]! * v[vo + r + 1]!;
    s2 += u[uo + r + 2]! * v[vo + r + 2]!;
    s3 += u[uo + r + 3]! * v[vo + r + 3]!;
  }
  for (; r < n; r++) s0 += u[uo + r]! * v[vo + r]!;
  return s0 + s1 + s2 + s3;
}
