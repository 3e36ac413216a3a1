/**
 * SMTC head forward over clips (METHODS.md §3): per clip, {@link fuseKeys}; per frame,
 * {@link semanticAwareSlotAttention}; then the masks of the official `forward`:
 *   semantic mask  M_sem = softmax_S(L_sem)                 [S, N]
 *   instance mask  M_ins[s, p] = M_sem[s]·softmax_P(L_ins)[s, p]   [S, P, N]
 * and, when the weights hold `mlp_slot`, the instance embeddings z = L2norm(MLP(u)) used by L_obj.
 */
import { InputError } from '../errors/InputError.js';
import { softmax } from '../ops/softmax.js';
import { mlp } from '../slotAttention/mlp.js';
import { expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';
import { fuseKeys, type TokenGrid } from './keyFusion.js';
import { type SemanticSlotAttentionOptions, semanticAwareSlotAttention } from './semanticSlotAttention.js';
import type { SmtcWeights } from './smtcWeights.js';

/** Outputs of {@link smtcForward}, stacked over clips B and frames T. */
export interface SmtcOutputs {
  /** [B, T, N, D] */
  readonly fusedKeys: Tensor<Float64Array>;
  /** [B, T, S, D] */
  readonly semanticSlots: Tensor<Float64Array>;
  /** L_sem [B, T, S, N] */
  readonly semanticLogits: Tensor<Float64Array>;
  /** [B, T, S, P, D] */
  readonly instanceSlots: Tensor<Float64Array>;
  /** [B, T, S, P, N] */
  readonly instanceLogits: Tensor<Float64Array>;
  /** [B, T, S, N] */
  readonly semanticMask: Tensor<Float64Array>;
  /** [B, T, S, P, N] */
  readonly instanceMask: Tensor<Float64Array>;
  /** [B, T, S, P, D], present when the weights hold `mlp_slot`. */
  readonly instanceEmbedding?: Tensor<Float64Array>;
}

/** Run the SMTC head: keys [B, T, N, D] on `grid`, noise [B, T, S, P, D] (rule in the file header). */
export function smtcForward(
  weights: SmtcWeights,
  keys: Tensor,
  grid: TokenGrid,
  noise: Tensor,
  options: SemanticSlotAttentionOptions = {},
): SmtcOutputs {
  const { centres: s, instances: p, dim: d } = weights.config;
  const n = grid.height * grid.width;
  const sizes: Record<string, number> = {};
  expectShape('keys', keys, ['B', 'T', n, d], sizes);
  expectShape('noise', noise, ['B', 'T', s, p, d], sizes);
  const b = sizes.B!;
  const t = sizes.T!;
  if (t === 0) throw new InputError('keys', 'holds no frames (T = 0)');
  const bt = b * t;
  const out = {
    fusedKeys: new Float64Array(bt * n * d),
    semanticSlots: new Float64Array(bt * s * d),
    semanticLogits: new Float64Array(bt * s * n),
    instanceSlots: new Float64Array(bt * s * p * d),
    instanceLogits: new Float64Array(bt * s * p * n),
    semanticMask: new Float64Array(bt * s * n),
    instanceMask: new Float64Array(bt * s * p * n),
    instanceEmbedding: new Float64Array(weights.mlpSlot === undefined ? 0 : bt * s * p * d),
  };
  for (let v = 0; v < b; v++) {
    const clip = fuseKeys(
      { data: keys.data.subarray(v * t * n * d, (v + 1) * t * n * d), dims: [t, n, d] },
      grid,
      weights,
    );
    out.fusedKeys.set(clip.data, v * t * n * d);
    for (let f = 0; f < t; f++) {
      const i = v * t + f;
      const r = semanticAwareSlotAttention(
        { data: clip.data.subarray(f * n * d, (f + 1) * n * d), dims: [n, d] },
        { data: noise.data.subarray(i * s * p * d, (i + 1) * s * p * d), dims: [s, p, d] },
        weights,
        options,
      );
      out.semanticSlots.set(r.semanticSlots.data, i * s * d);
      out.semanticLogits.set(r.semanticLogits.data, i * s * n);
      out.instanceSlots.set(r.instanceSlots.data, i * s * p * d);
      out.instanceLogits.set(r.instanceLogits.data, i * s * p * n);
      const sem = softmax(r.semanticLogits, 0).data;
      const ins = softmax(r.instanceLogits, 1).data;
      for (let c = 0; c < s; c++) {
        for (let q = 0; q < p; q++) {
          for (let j = 0; j < n; j++) ins[(c * p + q) * n + j]! *= sem[c * n + j]!;
        }
      }
      out.semanticMask.set(sem, i * s * n);
      out.instanceMask.set(ins, i * s * p * n);
      if (weights.mlpSlot !== undefined) {
        const z = mlp(r.instanceSlots, weights.mlpSlot, 'mlp_slot').data;
        for (let row = 0; row < s * p; row++) {
          let norm = 0;
          for (let e = 0; e < d; e++) norm += z[row * d + e]! ** 2;
          const inv = 1 / Math.max(Math.sqrt(norm), 1e-12);
          for (let e = 0; e < d; e++)
            out.instanceEmbedding[(i * s * p + row) * d + e] = z[row * d + e]! * inv;
        }
      }
    }
  }
  const result: SmtcOutputs = {
    fusedKeys: { data: out.fusedKeys, dims: [b, t, n, d] },
    semanticSlots: { data: out.semanticSlots, dims: [b, t, s, d] },
    semanticLogits: { data: out.semanticLogits, dims: [b, t, s, n] },
    instanceSlots: { data: out.instanceSlots, dims: [b, t, s, p, d] },
    instanceLogits: { data: out.instanceLogits, dims: [b, t, s, p, n] },
    semanticMask: { data: out.semanticMask, dims: [b, t, s, n] },
    instanceMask: { data: out.instanceMask, dims: [b, t, s, p, n] },
  };
  return weights.mlpSlot === undefined
    ? result
    : { ...result, instanceEmbedding: { data: out.instanceEmbedding, dims: [b, t, s, p, d] } };
}
