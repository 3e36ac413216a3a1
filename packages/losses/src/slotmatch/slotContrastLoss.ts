import type { Tensor } from '@slotmatch/core';
import { InputError } from '@slotmatch/core';
import { expectInput } from '../common/checks.js';
import type { LossResult } from '../common/LossResult.js';
import { normalizeBackwardRow, normalizeRows } from '../common/rows.js';

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
 * ∂/∂ŝ_t = G·ŝ_{t+1}/τ, ∂/∂ŝ_{t+1} = Gᵀ·ŝ_t/τ, then through the normalisation.
 *
 * `slots`: [B, T, K, S] with T ≥ 2 (float32 or float64; accumulation in float64).
 */
export function slotContrastLoss(slots: Tensor, options: SlotContrastOptions = {}): LossResult<'slots'> {
  const sizes: Record<string, number> = {};
  expectInput('slots', slots, ['B', 'T', 'K', 'S'], sizes);
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
  const sim = new Float64Array(N * N); // sim[j·N + i]: column j (anchor at t+1) stored contiguously
  const invTau = 1 / tau;
  const scale = 1 / ((T - 1) * N);
  let total = 0;
  for (let t = 0; t + 1 < T; t++) {
    const a = t * N * S; // frame t (candidates i)
    const p = (t + 1) * N * S; // frame t+1 (anchors j)
    similarities(z, p, z, a, N, S, invTau, sim);
    for (let j = 0; j < N; j++) {
      const row = j * N;
      const positive = sim[row + j]!;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < N; i++) if (sim[row + i]! > max) max = sim[row + i]!;
      let sum = 0;
      for (let i = 0; i < N; i++) {
        const e = Math.exp(sim[row + i]! - max);
        sim[row + i] = e;
        sum += e;
      }
      total += Math.log(sum) + max - positive;
      // G[i, j] = (P[i, j] − δ_ij)·scale/τ, stored in place (already including 1/τ).
      const k = (scale * invTau) / sum;
      for (let i = 0; i < N; i++) sim[row + i]! *= k;
      sim[row + j]! -= scale * invTau;
    }
    // ∂/∂z_{t+1}[j] = Σ_i G[i, j]·z_t[i];  ∂/∂z_t[i] += G[i, j]·z_{t+1}[j]
    for (let j = 0; j < N; j++) {
      const row = j * N;
      const gj = p + j * S;
      const zj = p + j * S;
      for (let i = 0; i < N; i++) {
        const g = sim[row + i]!;
        const zi = a + i * S;
        for (let q = 0; q < S; q++) {
          gz[gj + q]! += g * z[zi + q]!;
          gz[zi + q]! += g * z[zj + q]!;
        }
      }
    }
  }
  const grad = new Float64Array(slots.data.length);
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

/** out[j·n + i] = ⟨u[uo + j·s…], v[vo + i·s…]⟩·k for i, j < n (rows of u are anchors). */
function similarities(
  u: Float64Array,
  uo: number,
  v: Float64Array,
  vo: number,
  n: number,
  s: number,
  k: number,
  out: Float64Array,
): void {
  for (let j = 0; j < n; j++) {
    const uj = uo + j * s;
    for (let i = 0; i < n; i++) {
      const vi = vo + i * s;
      let acc0 = 0;
      let acc1 = 0;
      let q = 0;
      for (; q + 1 < s; q += 2) {
        acc0 += u[uj + q]! * v[vi + q]!;
        acc1 += u[uj + q + 1]! * v[vi + q + 1]!;
      }
      if (q < s) acc0 += u[uj + q]! * v[vi + q]!;
      out[j * n + i] = (acc0 + acc1) * k;
    }
  }
}
