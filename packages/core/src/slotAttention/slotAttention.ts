/**
 * Slot attention as in SlotContrast's corrector (slotcontrast/modules/groupers.py `SlotAttention`):
 *
 *   x = LN(features);  k = x·W_kᵀ;  v = x·W_vᵀ                       (no bias)
 *   repeat n times:
 *     ŝ = LN(s);  q = ŝ·W_qᵀ
 *     A = softmax_k(q·kᵀ / √d)        (softmax over the slots, d = key width)
 *     A' = (A + eps) / Σ_p (A + eps)  (renormalised over the tokens, eps = 1e-8)
 *     u = A'·v
 *     s = GRUCell(input u, hidden ŝ)  (hidden is the normalised ŝ; without a GRU: s = ŝ + u)
 *     s = s + MLP(LN(s))              (residual MLP, when present)
 *   returns s and A of the last iteration.
 */
import { InputError } from '../errors/InputError.js';
import { layerNorm } from '../ops/layerNorm.js';
import { linear } from '../ops/linear.js';
import { matmul } from '../ops/matmul.js';
import { softmax } from '../ops/softmax.js';
import { expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';
import { type GruCellWeights, gruCell } from './gruCell.js';
import { type LayerNormWeights, type MlpWeights, mlp } from './mlp.js';

/** Weights of {@link slotAttention}, by role (official names `to_q`, `to_k`, `to_v`, `gru`, `mlp`, `norm_*`). */
export interface SlotAttentionWeights {
  /** W_q [d, S] */
  readonly toQ: Tensor;
  /** W_k [d, D_in] */
  readonly toK: Tensor;
  /** W_v [d, D_in] */
  readonly toV: Tensor;
  readonly gru?: GruCellWeights;
  /** Residual MLP with initial LayerNorm. */
  readonly mlp?: MlpWeights;
  readonly normFeatures: LayerNormWeights;
  readonly normSlots: LayerNormWeights;
}

/** Options of {@link slotAttention}. */
export interface SlotAttentionOptions {
  /** Number of iterations n (≥ 1). */
  readonly iterations: number;
  /** eps added before renormalising over tokens (default 1e-8). */
  readonly eps?: number;
}

/** Result of {@link slotAttention}. */
export interface SlotAttentionResult {
  /** Updated slots [K, S]. */
  readonly slots: Tensor<Float64Array>;
  /** Attention A of the last iteration, softmax over slots before renormalisation, [K, P]. */
  readonly attention: Tensor<Float64Array>;
}

/** Run slot attention from `init` [K, S] on `features` [P, D_in] (rule in the file header). */
export function slotAttention(
  init: Tensor,
  features: Tensor,
  w: SlotAttentionWeights,
  options: SlotAttentionOptions,
): SlotAttentionResult {
  const sizes: Record<string, number> = {};
  expectShape('slots', init, ['K', 'S'], sizes);
  expectShape('features', features, ['P', 'Din'], sizes);
  expectShape('to_q.weight', w.toQ, ['d', 'S'], sizes);
  expectShape('to_k.weight', w.toK, ['d', 'Din'], sizes);
  expectShape('to_v.weight', w.toV, ['d', 'Din'], sizes);
  const iterations = options.iterations;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new InputError('slotAttention iterations', `must be an integer ≥ 1, got ${iterations}`);
  }
  const eps = options.eps ?? 1e-8;
  const k = sizes.K!;
  const p = sizes.P!;
  const d = sizes.d!;
  if (w.gru === undefined && d !== sizes.S) {
    throw new InputError(
      'slotAttention',
      `without a GRU the key width ${d} must equal the slot width ${sizes.S}`,
    );
  }
  const scale = 1 / Math.sqrt(d);
  const x = layerNorm(features, w.normFeatures.weight, w.normFeatures.bias, 1e-5, 'norm_features');
  const keys = linear(x, w.toK, undefined, 'to_k');
  const values = linear(x, w.toV, undefined, 'to_v');
  let slots: Tensor<Float64Array> = { data: Float64Array.from(init.data), dims: [k, sizes.S!] };
  let attention: Float64Array = new Float64Array(k * p);
  for (let it = 0; it < iterations; it++) {
    const normed = layerNorm(slots, w.normSlots.weight, w.normSlots.bias, 1e-5, 'norm_slots');
    const q = linear(normed, w.toQ, undefined, 'to_q');
    const logits = matmul(q, keys, { transposeB: true });
    for (let i = 0; i < logits.data.length; i++) logits.data[i]! *= scale;
    attention = softmax(logits, 0).data;
    const weights = new Float64Array(k * p);
    for (let i = 0; i < k; i++) {
      let sum = 0;
      for (let j = 0; j < p; j++) sum += attention[i * p + j]! + eps;
      for (let j = 0; j < p; j++) weights[i * p + j] = (attention[i * p + j]! + eps) / sum;
    }
    const updates = matmul({ data: weights, dims: [k, p] }, values);
    if (w.gru !== undefined) {
      slots = gruCell(updates, normed, w.gru);
    } else {
      for (let i = 0; i < normed.data.length; i++) normed.data[i]! += updates.data[i]!;
      slots = normed;
    }
    if (w.mlp !== undefined) slots = mlp(slots, w.mlp, 'corrector mlp');
  }
  return { slots, attention: { data: attention, dims: [k, p] } };
}
