import {
  expectFinite,
  expectShape,
  softmaxColumns,
  softmaxColumnsBackward,
  type Tensor,
} from '@slotmatch/core';
import { gradientLike } from '../common/gradientLike.js';
import type { LossResult } from '../common/LossResult.js';
import { NORM_EPS } from '../common/rows.js';

/**
 * L_diff of SMTC (METHODS.md §3; shvdiwnkozbw/SMTC src/train.py, `differ_loss`): slots' soft masks
 * should differ.
 *
 *   m_s = softmax over slots of logits[:, n] + 1e-8;  u_s = m_s / max(‖m_s‖, 1e-12) (over the N tokens)
 *   value = mean over b, t and ordered pairs s ≠ s' of ⟨u_s, u_s'⟩
 *
 * Backward: ∂/∂u_s = 2c·(Σ_s' u_s' − u_s) with c = 1/(B·T·S·(S−1)), then through the normalisation
 * and the softmax (core's vectorised softmaxColumns and its backward).
 *
 * `logits`: [B, T, S, N] (S ≥ 2).
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
  const grad = gradientLike(x);
  const c = 1 / (frames * S * (S - 1));
  // p = softmax over slots for every frame (core's softmaxColumns); then one frame at a time: u, Σ u,
  // ∂/∂p into gm; finally the softmax backward of all frames (softmaxColumnsBackward).
  const p = new Float64Array(frames * S * N);
  // the softmax also tells whether every logit was finite
  if (!softmaxColumns(x, 0, frames, S, N, 1, p, 0)) expectFinite('logits', x);
  const gm = new Float64Array(frames * S * N);
  const u = new Float64Array(S * N);
  const colA = new Float64Array(N);
  const norms = new Float64Array(S);
  let total = 0;
  for (let f = 0; f < frames; f++) {
    const base = f * S * N;
    // u_s = (p_s + 1e-8)/max(‖p_s + 1e-8‖, 1e-12); colA = Σ_s u_s
    colA.fill(0);
    for (let s = 0; s < S; s++) {
      const o = base + s * N;
      const w = s * N;
      // two partial sums (independent add chains), then the tail
      let sq = 0;
      let sq1 = 0;
      let n = 0;
      for (; n + 1 < N; n += 2) {
        const m = p[o + n]! + 1e-8;
        const m1 = p[o + n + 1]! + 1e-8;
        sq += m * m;
        sq1 += m1 * m1;
      }
      if (n < N) sq += (p[o + n]! + 1e-8) ** 2;
      const norm = Math.max(Math.sqrt(sq + sq1), NORM_EPS);
      const inv = 1 / norm;
      // Σ_{s≠s'} ⟨u_s, u_s'⟩ = ‖Σ u‖² − Σ ‖u_s‖²
      let diag = 0;
      for (let n = 0; n < N; n++) {
        const v = (p[o + n]! + 1e-8) * inv;
        u[w + n] = v;
        colA[n]! += v;
        diag += v * v;
      }
      total -= diag;
      norms[s] = norm;
    }
    let sq = 0;
    for (let n = 0; n < N; n++) sq += colA[n]! * colA[n]!;
    total += sq;
    // ∂/∂u_s = 2c·(Σ u − u_s); through the normalisation: ∂/∂m_s = (g − u_s·⟨u_s, g⟩)/‖m_s‖ (g/1e-12 if floored)
    for (let s = 0; s < S; s++) {
      const o = base + s * N;
      const w = s * N;
      const norm = norms[s]!;
      const inv = 1 / norm;
      const c2 = 2 * c;
      let dot = 0;
      if (norm !== NORM_EPS) {
        let dot1 = 0;
        let n = 0;
        for (; n + 1 < N; n += 2) {
          dot += u[w + n]! * (colA[n]! - u[w + n]!);
          dot1 += u[w + n + 1]! * (colA[n + 1]! - u[w + n + 1]!);
        }
        if (n < N) dot += u[w + n]! * (colA[n]! - u[w + n]!);
        dot = c2 * (dot + dot1);
      }
      for (let n = 0; n < N; n++) {
        const g = c2 * (colA[n]! - u[w + n]!);
        gm[o + n] = (g - u[w + n]! * dot) * inv;
      }
    }
  }
  // softmax backward over slots: ∂/∂logit = p·(∂/∂p − Σ_s' p·∂/∂p)
  softmaxColumnsBackward(p, 0, gm, 0, frames, S, N, 1, grad, 0);
  return { value: total * c, grads: { logits: { data: grad, dims: [...logits.dims] } } };
}
