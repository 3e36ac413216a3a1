import {
  expectFinite,
  expectShape,
  expInPlace,
  firstNonFinite,
  gemmNN,
  gemmNT,
  InputError,
  type SinkhornOptions,
  sinkhornScalings,
  softmaxColumns,
  softmaxColumnsBackward,
  type Tensor,
} from '@slotmatch/core';
import { gradientLike } from '../common/gradientLike.js';
import type { LossResult } from '../common/LossResult.js';
import { normalizeRows } from '../common/rows.js';

/**
 * L_sem of SMTC (METHODS.md §3; shvdiwnkozbw/SMTC src/train.py, `dense_transport_loss` with
 * `sinkhorn_cluster`): the semantic slot masks of two frames must agree along a dense transport plan
 * between their tokens.
 *
 * For each video b and ordered frame pair i ≠ j:
 *
 *   x̂ = teacher tokens / max(‖·‖, 1e-12);  μ_i[n] = ‖x̂_{i,n}‖₁;  C[n, m] = 1 − ⟨x̂_{i,n}, x̂_{j,m}⟩
 *   Π = Sinkhorn(μ_i, μ_j, C; ε, iterations)           (core's `sinkhornScalings`; no gradient)
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
  expectShape('studentLogits', studentLogits, ['B', 'T', 'S', 'N'], sizes);
  expectShape('teacherLogits', teacherLogits, ['B', 'T', 'S', 'N'], sizes);
  expectShape('teacherTokens', teacherTokens, ['B', 'T', 'N', 'C'], sizes);
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
  const size = frames * S * N;
  const ps = new Float64Array(size);
  const pt = new Float64Array(size);
  const finiteS = softmaxColumns(studentLogits.data, 0, frames, S, N, 1, ps, 0);
  const finiteT = softmaxColumns(teacherLogits.data, 0, frames, S, N, 1, pt, 0);
  if (!finiteS || !finiteT) {
    // the softmax saw a NaN/±∞: name the argument and value
    expectFinite('studentLogits', studentLogits.data);
    expectFinite('teacherLogits', teacherLogits.data);
  }
  const x = new Float64Array(frames * N * C);
  const norms = new Float64Array(frames * N);
  normalizeRows(teacherTokens.data, frames * N, C, x, norms);
  // A NaN/±∞ token value makes its row norm non-finite (as does overflow of a finite row): only then
  // are the tokens scanned, to name the first bad value.
  if (firstNonFinite(norms) >= 0) expectFinite('teacherTokens', teacherTokens.data);
  const mu = new Float64Array(frames * N);
  for (let r = 0; r < frames * N; r++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.abs(x[r * C + c]!);
    mu[r] = s;
  }
  // log(p^S + 1e-8) once per frame (each frame i meets T − 1 partners j).
  const logPs = new Float64Array(size);
  for (let r = 0; r < size; r++) logPs[r] = Math.log(ps[r]! + 1e-8);
  const gLog = new Float64Array(size);
  const kernel = new Float64Array(N * N);
  const a = new Float64Array(N);
  const bScale = new Float64Array(N);
  const ptb = new Float64Array(S * N);
  const q = new Float64Array(S * N);
  const scale = 1 / (B * T * (T - 1));
  let total = 0;
  // One transported cross-entropy for the ordered pair (i, j), accumulating ∂/∂log p^S_i. With
  // Π = diag(a)·K·diag(b): Q[s, n] = Σ_m p^T_j[s, m]·Π[n, m] = a[n]·Σ_m (p^T_j[s, m]·b[m])·K[n, m], so b
  // scales the S×N slot masks and a the S×N result instead of building Π (N² values) for each pair.
  // `transposed`: the kernel is stored as K_jiᵀ = K_ij (the pair (j, i) shares the exp of (i, j)).
  const pair = (b: number, i: number, j: number, transposed: boolean) => {
    const fi = b * T + i;
    const fj = b * T + j;
    sinkhornScalings(mu, mu, kernel, N, N, transposed, iterations, a, bScale, { muS: fi * N, muT: fj * N });
    const tj = fj * S * N;
    for (let s = 0; s < S; s++) for (let m = 0; m < N; m++) ptb[s * N + m] = pt[tj + s * N + m]! * bScale[m]!;
    // Q'[s, n] = Σ_m ptb[s, m]·K[n, m]  (K stored [n, m]: ptb·Kᵀ; stored transposed: ptb·K_ij)
    if (transposed) gemmNN(S, N, N, ptb, 0, kernel, 0, q, 0);
    else gemmNT(S, N, N, ptb, 0, kernel, 0, q, 0);
    const si = fi * S * N;
    let sum = 0;
    for (let s = 0; s < S; s++) {
      const o = s * N;
      for (let n = 0; n < N; n++) {
        const qn = q[o + n]! * a[n]!;
        sum += qn * logPs[si + o + n]!;
        gLog[si + o + n]! -= qn * scale;
      }
    }
    total -= sum;
  };
  const invEps = 1 / eps;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < T; i++) {
      for (let j = i + 1; j < T; j++) {
        // K[n, m] = exp(−C[n, m]/ε) with C = 1 − ⟨x̂_{i,n}, x̂_{j,m}⟩: the gemm adds ⟨·,·⟩/ε onto −1/ε.
        kernel.fill(-invEps);
        gemmNT(N, N, C, x, (b * T + i) * N * C, x, (b * T + j) * N * C, kernel, 0, invEps, true);
        expInPlace(kernel);
        pair(b, i, j, false);
        pair(b, j, i, true);
      }
    }
  }
  // Through log(p + 1e-8) and the softmax over slots.
  for (let q = 0; q < size; q++) gLog[q] = gLog[q]! / (ps[q]! + 1e-8);
  const grad = gradientLike(studentLogits.data, size);
  softmaxColumnsBackward(ps, 0, gLog, 0, frames, S, N, 1, grad, 0);
  return { value: total * scale, grads: { studentLogits: { data: grad, dims: [...studentLogits.dims] } } };
}
