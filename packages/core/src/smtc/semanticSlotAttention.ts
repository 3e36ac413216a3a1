/**
 * SMTC's two-stage semantic-aware slot attention (METHODS.md §3; `SlotAttention` of
 * shvdiwnkozbw/SMTC `src/model/model_twostage.py`). With x = LN_in(K_fused), k = W_k·x + b_k,
 * v = W_v·x + b_v, scale D^−½ and the slot update  s ← s + A·v;  s ← s + MLP(LN_ff(s))  (no GRU):
 *
 * Stage 1 (semantic), S slots starting at μ, `iterations` times:
 *   L = (W_q·LN_s(s) + b_q)·kᵀ·scale;  A = softmax_S(L) + eps;  A ← A / Σ_n A.
 *   Returns the slots and L_sem = L of the last iteration [S, N].
 * Stage 2 (instances), P slots per centre starting at μ_s + exp(log σ_s)·noise[s, p]:
 *   L = (W_q·LN_s(s) + b_q)·kᵀ·scale  [S, P, N];  A = (softmax_P(L) + eps)·G[s, n];
 *   A ← A / (Σ_n A + 1e-8)
 *   with the gate G = 1[L_sem > 0.3] (current code, `gate: 'threshold'`) or softmax_S(L_sem)
 *   (older code, `gate: 'softmax'`).
 * The noise is an argument (standard normal [S, P, D]) so the result is deterministic.
 */
import { InputError } from '../errors/InputError.js';
import { layerNorm } from '../ops/layerNorm.js';
import { linear } from '../ops/linear.js';
import { matmul } from '../ops/matmul.js';
import { softmax } from '../ops/softmax.js';
import { mlp } from '../slotAttention/mlp.js';
import { expectFinite, expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';
import type { SmtcWeights } from './smtcWeights.js';

/** Options of {@link semanticAwareSlotAttention}. */
export interface SemanticSlotAttentionOptions {
  /** Stage-2 gate (default `'threshold'`). */
  readonly gate?: 'threshold' | 'softmax';
  /** Threshold of the `'threshold'` gate on L_sem (default 0.3). */
  readonly threshold?: number;
}

/** Result of {@link semanticAwareSlotAttention}. */
export interface SemanticSlotAttentionResult {
  /** Semantic slots [S, D]. */
  readonly semanticSlots: Tensor<Float64Array>;
  /** L_sem, the stage-1 logits of the last iteration [S, N]. */
  readonly semanticLogits: Tensor<Float64Array>;
  /** Instance slots [S, P, D]. */
  readonly instanceSlots: Tensor<Float64Array>;
  /** Stage-2 logits of the last iteration [S, P, N]. */
  readonly instanceLogits: Tensor<Float64Array>;
}

function update(
  slots: Tensor<Float64Array>,
  attn: Float64Array,
  rows: number,
  n: number,
  v: Tensor,
  w: SmtcWeights,
): Tensor<Float64Array> {
  const u = matmul({ data: attn, dims: [rows, n] }, v).data;
  const s = slots.data;
  for (let i = 0; i < s.length; i++) s[i]! += u[i]!;
  const ff = mlp(
    layerNorm(slots, w.normPreFf.weight, w.normPreFf.bias, 1e-5, 'norm_pre_ff'),
    w.mlp,
    'slot mlp',
  ).data;
  for (let i = 0; i < s.length; i++) s[i]! += ff[i]!;
  return slots;
}

function logits(slots: Tensor, k: Tensor, w: SmtcWeights, scale: number): Float64Array {
  const q = linear(
    layerNorm(slots, w.normSlots.weight, w.normSlots.bias, 1e-5, 'norm_slots'),
    w.projectQ.weight,
    w.projectQ.bias,
    'project_q',
  );
  const dots = matmul(q, k, { transposeB: true }).data;
  for (let i = 0; i < dots.length; i++) dots[i]! *= scale;
  return dots;
}

/** Run both stages on fused keys [N, D] with noise [S, P, D] (rule in the file header). */
export function semanticAwareSlotAttention(
  fusedKeys: Tensor,
  noise: Tensor,
  weights: SmtcWeights,
  options: SemanticSlotAttentionOptions = {},
): SemanticSlotAttentionResult {
  const { centres: s, instances: p, dim: d, iterations, eps } = weights.config;
  const sizes: Record<string, number> = {};
  expectShape('fusedKeys', fusedKeys, ['N', d], sizes);
  expectShape('noise', noise, [s, p, d]);
  expectFinite('noise', noise.data);
  const gate = options.gate ?? 'threshold';
  if (gate !== 'threshold' && gate !== 'softmax')
    throw new InputError('gate', `must be 'threshold' or 'softmax', got ${String(gate)}`);
  const threshold = options.threshold ?? 0.3;
  const n = sizes.N!;
  const scale = 1 / Math.sqrt(d);
  const x = layerNorm(fusedKeys, weights.normInput.weight, weights.normInput.bias, 1e-5, 'norm_input');
  const k = linear(x, weights.projectK.weight, weights.projectK.bias, 'project_k');
  const v = linear(x, weights.projectV.weight, weights.projectV.bias, 'project_v');

  // Stage 1: semantic slots from μ.
  let semantic: Tensor<Float64Array> = { data: Float64Array.from(weights.mu.data), dims: [s, d] };
  let lsem: Float64Array = new Float64Array(0);
  for (let it = 0; it < iterations; it++) {
    lsem = logits(semantic, k, weights, scale);
    const attn = softmax({ data: lsem, dims: [s, n] }, 0).data;
    for (let r = 0; r < s; r++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += attn[r * n + j]! + eps;
      for (let j = 0; j < n; j++) attn[r * n + j] = (attn[r * n + j]! + eps) / sum;
    }
    semantic = update(semantic, attn, s, n, v, weights);
  }

  // Gate G[s, n] from L_sem.
  const g = new Float64Array(s * n);
  if (gate === 'threshold') {
    for (let i = 0; i < g.length; i++) g[i] = lsem[i]! > threshold ? 1 : 0;
  } else {
    g.set(softmax({ data: lsem, dims: [s, n] }, 0).data);
  }

  // Stage 2: P instance slots per centre from μ + σ·noise.
  const inst = new Float64Array(s * p * d);
  for (let c = 0; c < s; c++) {
    for (let q = 0; q < p; q++) {
      for (let e = 0; e < d; e++) {
        const i = (c * p + q) * d + e;
        inst[i] = weights.mu.data[c * d + e]! + Math.exp(weights.logSigma.data[c * d + e]!) * noise.data[i]!;
      }
    }
  }
  let instances: Tensor<Float64Array> = { data: inst, dims: [s * p, d] };
  let lins: Float64Array = new Float64Array(0);
  for (let it = 0; it < iterations; it++) {
    lins = logits(instances, k, weights, scale);
    const attn = softmax({ data: lins, dims: [s, p, n] }, 1).data;
    for (let r = 0; r < s * p; r++) {
      const c = Math.floor(r / p);
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const a = (attn[r * n + j]! + eps) * g[c * n + j]!;
        attn[r * n + j] = a;
        sum += a;
      }
      for (let j = 0; j < n; j++) attn[r * n + j]! /= sum + 1e-8;
    }
    instances = update(instances, attn, s * p, n, v, weights);
  }
  return {
    semanticSlots: semantic,
    semanticLogits: { data: lsem, dims: [s, n] },
    instanceSlots: { data: instances.data, dims: [s, p, d] },
    instanceLogits: { data: lins, dims: [s, p, n] },
  };
}
