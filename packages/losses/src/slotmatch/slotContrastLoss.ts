import { expectShape, expInPlaceSum, gemmNN, gemmNT, gemmTN, InputError, type Tensor } from '@slotmatch/core';
import { expectFiniteUnless } from '../common/checks.js';
import { gradientLike } from '../common/gradientLike.js';
import type { LossResult } from '../common/LossResult.js';
import { normalizeBackwardRow, normalizeRows } from '../common/rows.js';

/** Largest 1/τ for which the softmax runs without the shift by the row maximum (e^±300 is safe in float64). */
const MAX_UNSHIFTED_LOGIT = 300;

/** Anchor rows per block of the similarity matrix (ANCHOR_BLOCK × N float64 values stay in cache). */
const ANCHOR_BLOCK = 128;

/** Options of {@link slotContrastLoss}. */
export interface SlotContrastOptions {
  /** Softmax temperature τ (default 0.1, SlotContrast). */
  readonly temperature?: number;
}

/**
 * L_slot-contrast of SlotContrast (METHODS.md §1; martius-lab/slotcontrast
 * `Slot_Slot_Contrastive_Loss` with `batch_contrast`): batch-pooled, anchored at frame t+1, not
 * symmetric.
 *
 *   ŝ = s / max(‖s‖, 1e-12); pooled slot index j = b·K + k over all N = B·K slots;
 *   Sim_t[i, j] = ⟨ŝ_{t,i}, ŝ_{t+1,j}⟩ / τ  for t = 0..T−2;
 *   value = mean over t, j of −log( exp Sim_t[j, j] / Σ_i exp Sim_t[i, j] )
 *
 * Backward: with P_t[i, j] = softmax_i Sim_t[:, j] and G = (P − I)/((T−1)·N),
 * ∂/∂ŝ_t = G·ŝ_{t+1}/τ, ∂/∂ŝ_{t+1} = Gᵀ·ŝ_t/τ, then through the normalisation. P's column
 * normalisation is applied to the N × S products (or their operand), not to the N × N matrix, which
 * is computed in blocks of 128 anchors (rows of Sim, each block's exp(Sim) feeding both backward
 * products while it is in cache; ≈ 10 % faster than the whole N × N matrix at N = 704).
 *
 * `slots`: [B, T, K, S] with T ≥ 2 (float32 or float64; accumulation in float64); finiteness is checked
 * from the value ({@link expectFiniteUnless}).
 */
export function slotContrastLoss(slots: Tensor, options: SlotContrastOptions = {}): LossResult<'slots'> {
  const sizes: Record<string, number> = {};
  expectShape('slots', slots, ['B', 'T', 'K', 'S'], sizes);
  const tau = options.temperature ?? 0.1;
  if (!(tau > 0)) throw new InputError('options.temperature', `must be > 0, got ${tau}`);
  const B = sizes.B!;
  const T = sizes.T!;
  const K = sizes.K!;
  const S = sizes.S!;
  if (T < 2) throw new InputError('slots', `has T=${T} frames, expected [B,T,K,S] with T >= 2`);
  const N = B * K;
  // Normalised slots in pooled order: z[(t·N + b·K + k)·S + i].
  const z = new Float64Array(T * N * S);
  const norms = new Float64Array(T * N);
  normalizeRows(slots.data, T * N, S, z, norms, (r) => {
    const t = Math.floor(r / N);
    const j = r - t * N;
    const b = Math.floor(j / K);
    const k = j - b * K;
    return ((b * T + t) * K + k) * S;
  });
  const gz = new Float64Array(T * N * S);
  // Anchors in blocks of J rows, so that a block's similarities (J × N) stay in cache from the product
  // through the exponentials to both backward products.
  const J = Math.min(N, ANCHOR_BLOCK);
  const sim = new Float64Array(J * N); // sim[jj·N + i]: row jj = anchor j0 + jj at t+1, column i = candidate at t
  const invTau = 1 / tau;
  const scale = 1 / ((T - 1) * N);
  // |Sim| ≤ 1/τ (cosines), so up to 1/τ = 300 the exponentials neither overflow nor underflow
  // without the usual shift by the row maximum (softmax is shift-invariant; one pass fewer).
  const shiftByMax = invTau > MAX_UNSHIFTED_LOGIT;
  const rowScale = new Float64Array(J);
  const rows = new Float64Array(J * S); // E·z_t, then rowScale ⊙ z_{t+1}
  const diag = scale * invTau;
  let total = 0;
  for (let t = 0; t + 1 < T; t++) {
    const a = t * N * S; // frame t (candidates i)
    for (let j0 = 0; j0 < N; j0 += J) {
      const nj = Math.min(J, N - j0);
      const p = (t + 1) * N * S + j0 * S; // the block's anchors at frame t+1
      gemmNT(nj, N, S, z, p, z, a, sim, 0, invTau);
      // Row by row while the row is in cache: (shift by the maximum,) vectorised exp E[j, i] and its
      // sum; G = diag(rowScale)·E − (scale/τ)·I with rowScale[j] = scale/(τ·Σ_i E[j, i]) is never formed.
      for (let jj = 0; jj < nj; jj++) {
        const row = jj * N;
        const j = j0 + jj;
        if (shiftByMax) {
          let max = Number.NEGATIVE_INFINITY;
          for (let i = 0; i < N; i++) if (sim[row + i]! > max) max = sim[row + i]!;
          for (let i = 0; i < N; i++) sim[row + i]! -= max;
        }
        // −log softmax = log Σ_i exp(Sim[j, i] − c) − (Sim[j, j] − c) for either shift c (0 or the max)
        total -= sim[row + j]!;
        const sum = expInPlaceSum(sim, row, N);
        total += Math.log(sum);
        rowScale[jj] = (scale * invTau) / sum;
      }
      // ∂/∂z_{t+1}[j] += rowScale[j]·(E·z_t)[j] − (scale/τ)·z_t[j]
      gemmNN(nj, S, N, sim, 0, z, a, rows, 0);
      for (let jj = 0; jj < nj; jj++) {
        const kj = rowScale[jj]!;
        const o = jj * S;
        const at = a + (j0 + jj) * S;
        for (let q = 0; q < S; q++) gz[p + o + q]! += kj * rows[o + q]! - diag * z[at + q]!;
      }
      // ∂/∂z_t[i] += (Eᵀ·(rowScale ⊙ z_{t+1}))[i] (the block's anchors j)
      for (let jj = 0; jj < nj; jj++) {
        const kj = rowScale[jj]!;
        const o = jj * S;
        for (let q = 0; q < S; q++) rows[o + q] = kj * z[p + o + q]!;
      }
      gemmTN(N, S, nj, sim, 0, rows, 0, gz, a, 1, true);
    }
    // ∂/∂z_t[i] −= (scale/τ)·z_{t+1}[i]
    const p = (t + 1) * N * S;
    for (let q = 0; q < N * S; q++) gz[a + q]! -= diag * z[p + q]!;
  }
  // Every slot enters a norm and some similarity, so a NaN/±∞ anywhere makes the total non-finite.
  expectFiniteUnless(total, [['slots', slots]]);
  const grad = gradientLike(slots.data);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < K; k++) {
        const r = t * N + b * K + k;
        normalizeBackwardRow(gz, r * S, z, r * S, norms[r]!, S, grad, ((b * T + t) * K + k) * S);
      }
    }
  }
  return { value: total * scale, grads: { slots: { data: grad, dims: [...slots.dims] } } };
}
