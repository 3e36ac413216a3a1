import { ColumnSoftmax, expectFinite, expectShape, type Tensor } from '@slotmatch/core';
import { gradientLike } from '../common/gradientLike.js';
import type { LossResult } from '../common/LossResult.js';
import { NORM_EPS } from '../common/rows.js';

/**
 * L_diff of SMTC (METHODS.md §3; shvdiwnkozbw/SMTC src/train.py, `differ_loss`): slots' soft masks
 * should differ.
 *
 *   m_s = softmax over slots of logits[:, n] + 1e-8;  u_s = m_s / max(‖m_s‖, 1e-12) (over the N tokens)
 *   value = mean over b, t and ordered pairs s ≠ s' of ⟨u_s, u_s'⟩
 *         = c·Σ_{b,t} (‖A‖² − Σ_s ‖u_s‖²)  with A = Σ_s u_s, c = 1/(B·T·S·(S−1))
 *
 * Backward: ∂/∂u_s = 2c·(A − u_s); through the normalisation ∂/∂m_s = (g − u_s·⟨u_s, g⟩)/‖m_s‖
 * (g/1e-12 where floored) with ⟨u_s, g⟩ = 2c·(⟨u_s, A⟩ − ‖u_s‖²), so per slot one dot product with A
 * and no S × S Gram matrix; then the softmax backward.
 *
 * Per frame, on the softmax's own memory (core's ColumnSoftmax, no copies between the passes): the
 * norms (‖u_s‖² = ‖m_s‖²/max(‖m_s‖, 1e-12)²), A, the dots ⟨m_s, A⟩, and ∂/∂m written where the
 * softmax backward reads it. `logits`: [B, T, S, N] (S ≥ 2).
 */
export function slotDiversityLoss(logits: Tensor): LossResult<'logits'> {
  const sizes: Record<string, number> = {};
  expectShape('logits', logits, ['B', 'T', 'S', 'N'], sizes);
  const B = sizes.B!;
  const T = sizes.T!;
  const S = sizes.S!;
  const N = sizes.N!;
  const frames = B * T;
  const x = logits.data;
  const c2 = 2 / (frames * S * (S - 1));
  const sm = new ColumnSoftmax(frames, S, N);
  // the softmax also tells whether every logit was finite
  if (!sm.forward(0, x, 0, 1)) expectFinite('logits', x);
  const v = sm.values;
  const W = sm.stride;
  const A = new Float64Array(N);
  const inv = new Float64Array(S);
  const uu = new Float64Array(S);
  let total = 0;
  for (let f = 0; f < frames; f++) {
    const base = sm.pOffset(0) + f * S * W;
    const g = sm.gOffset(0) + f * S * W;
    // 1/max(‖m_s‖, 1e-12) and ‖u_s‖² (four partial sums: independent add chains)
    for (let s = 0; s < S; s++) {
      const o = base + s * W;
      let q0 = 0;
      let q1 = 0;
      let q2 = 0;
      let q3 = 0;
      let n = 0;
      for (; n + 3 < N; n += 4) {
        const m0 = v[o + n]! + 1e-8;
        const m1 = v[o + n + 1]! + 1e-8;
        const m2 = v[o + n + 2]! + 1e-8;
        const m3 = v[o + n + 3]! + 1e-8;
        q0 += m0 * m0;
        q1 += m1 * m1;
        q2 += m2 * m2;
        q3 += m3 * m3;
      }
      for (; n < N; n++) q0 += (v[o + n]! + 1e-8) ** 2;
      const sq = q0 + q1 + (q2 + q3);
      const norm = Math.max(Math.sqrt(sq), NORM_EPS);
      inv[s] = norm === NORM_EPS ? 0 : 1 / norm; // 0 marks a floored norm
      uu[s] = sq / (norm * norm);
      total -= uu[s]!;
    }
    // A = Σ_s u_s and ‖A‖²
    A.fill(0);
    for (let s = 0; s < S; s++) {
      const o = base + s * W;
      const k = inv[s]! === 0 ? 1 / NORM_EPS : inv[s]!;
      for (let n = 0; n < N; n++) A[n]! += (v[o + n]! + 1e-8) * k;
    }
    let aa0 = 0;
    let aa1 = 0;
    let n = 0;
    for (; n + 1 < N; n += 2) {
      aa0 += A[n]! * A[n]!;
      aa1 += A[n + 1]! * A[n + 1]!;
    }
    if (n < N) aa0 += A[n]! * A[n]!;
    total += aa0 + aa1;
    // ∂/∂m_s = 2c·k·(A − u_s·e) with k = 1/‖m_s‖, e = 1 + ⟨u_s, A⟩ − ‖u_s‖² (e = 1, k = 1e12 where
    // floored); u_s = k·m_s, so ∂/∂m_s = 2c·k·A − 2c·k²·e·m_s, written into the g region
    for (let s = 0; s < S; s++) {
      const o = base + s * W;
      let k = inv[s]!;
      let e = 1;
      if (k === 0) k = 1 / NORM_EPS;
      else {
        let d0 = 0;
        let d1 = 0;
        let d2 = 0;
        let d3 = 0;
        let n = 0;
        for (; n + 3 < N; n += 4) {
          d0 += (v[o + n]! + 1e-8) * A[n]!;
          d1 += (v[o + n + 1]! + 1e-8) * A[n + 1]!;
          d2 += (v[o + n + 2]! + 1e-8) * A[n + 2]!;
          d3 += (v[o + n + 3]! + 1e-8) * A[n + 3]!;
        }
        for (; n < N; n++) d0 += (v[o + n]! + 1e-8) * A[n]!;
        e = 1 + (d0 + d1 + (d2 + d3)) * k - uu[s]!;
      }
      const a = c2 * k;
      const b = a * k * e;
      const go = g + s * W;
      for (let n = 0; n < N; n++) v[go + n] = a * A[n]! - b * (v[o + n]! + 1e-8);
    }
  }
  const grad = gradientLike(x);
  // softmax backward over slots: ∂/∂logit = p·(∂/∂p − Σ_s' p·∂/∂p)
  sm.backward(0, 1, grad, 0);
  return { value: (total * c2) / 2, grads: { logits: { data: grad, dims: [...logits.dims] } } };
}
