import type { Tensor } from '@slotmatch/core';
import { expectInput } from '../common/checks.js';
import type { LossResult } from '../common/LossResult.js';
import { normalizeBackwardRow, normalizeRows } from '../common/rows.js';
import { softmaxMiddleAxis, softmaxMiddleAxisBackward } from '../common/softmaxMiddleAxis.js';

/**
 * L_diff of SMTC (METHODS.md §3; shvdiwnkozbw/SMTC src/train.py, `differ_loss`): slots' soft masks
 * should differ.
 *
 *   m_s = softmax over slots of logits[:, n] + 1e-8;  u_s = m_s / max(‖m_s‖, 1e-12) (over the N tokens)
 *   value = mean over b, t and ordered pairs s ≠ s' of ⟨u_s, u_s'⟩
 *
 * Backward: ∂/∂u_s = 2c·(Σ_s' u_s' − u_s) with c = 1/(B·T·S·(S−1)), then through the normalisation
 * and the softmax.
 *
 * `logits`: [B, T, S, N] (S ≥ 2).
 */
export function slotDiversityLoss(logits: Tensor): LossResult<'logits'> {
  const sizes: Record<string, number> = {};
  expectInput('logits', logits, ['B', 'T', 'S', 'N'], sizes);
  const B = sizes.B!;
  const T = sizes.T!;
  const S = sizes.S!;
  const N = sizes.N!;
  const frames = B * T;
  const size = frames * S * N;
  const p = new Float64Array(size);
  softmaxMiddleAxis(logits.data, frames, S, N, p);
  const m = new Float64Array(size);
  for (let q = 0; q < size; q++) m[q] = p[q]! + 1e-8;
  const u = new Float64Array(size);
  const norms = new Float64Array(frames * S);
  normalizeRows(m, frames * S, N, u, norms);
  const c = 1 / (frames * S * (S - 1));
  const sumU = new Float64Array(N);
  const gu = new Float64Array(size);
  const gm = new Float64Array(size);
  let total = 0;
  for (let f = 0; f < frames; f++) {
    const base = f * S * N;
    sumU.fill(0);
    for (let s = 0; s < S; s++) {
      const o = base + s * N;
      for (let n = 0; n < N; n++) sumU[n]! += u[o + n]!;
    }
    // Σ_{s≠s'} ⟨u_s, u_s'⟩ = ‖Σ u‖² − Σ ‖u_s‖²
    let sq = 0;
    for (let n = 0; n < N; n++) sq += sumU[n]! * sumU[n]!;
    let diag = 0;
    for (let s = 0; s < S; s++) {
      const o = base + s * N;
      for (let n = 0; n < N; n++) {
        const v = u[o + n]!;
        diag += v * v;
        gu[o + n] = 2 * c * (sumU[n]! - v);
      }
    }
    total += sq - diag;
  }
  for (let r = 0; r < frames * S; r++) normalizeBackwardRow(gu, r * N, u, r * N, norms[r]!, N, gm, r * N);
  const grad = new Float64Array(size);
  softmaxMiddleAxisBackward(p, gm, frames, S, N, grad);
  return { value: total * c, grads: { logits: { data: grad, dims: [...logits.dims] } } };
}
