/**
 * SlotContrast's predictor: one pre-LN transformer encoder block over the K slots
 * (slotcontrast/modules/networks.py `TransformerEncoderLayer`, norm_first = True, ReLU):
 *
 *   x = x + out_proj(MHA(LN₁(x)));   x = x + W₂·ReLU(W₁·LN₂(x) + b₁) + b₂   (no final LN)
 *
 * MHA: [q, k, v] = chunk₃(x·W_qkvᵀ + b_qkv); per head h of width d_h = S / H,
 * attention = softmax_j((q_h·√d_h)·k_hᵀ) — the official `Attention` divides q by its
 * `scale = d_h^−½`, i.e. multiplies the logits by √d_h; copied so official checkpoints load.
 */
import { InputError } from '../errors/InputError.js';
import { layerNorm } from '../ops/layerNorm.js';
import { linear } from '../ops/linear.js';
import { expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';
import { type LayerNormWeights, type LinearWeights, mlp } from './mlp.js';

/** Weights of {@link transformerBlock} (official names `norm1`, `self_attn.qkv`, `self_attn.out_proj`, `norm2`, `linear1`, `linear2`). */
export interface TransformerBlockWeights {
  readonly norm1: LayerNormWeights;
  /** [3S, S] weight and [3S] bias. */
  readonly qkv: LinearWeights;
  readonly outProj: LinearWeights;
  readonly norm2: LayerNormWeights;
  readonly linear1: LinearWeights;
  readonly linear2: LinearWeights;
}

/** Options of {@link transformerBlock}. */
export interface TransformerBlockOptions {
  /** Number of heads H (S divisible by H). */
  readonly heads: number;
  /**
   * Attention logit scale as a function of d_h: `'official'` (default) multiplies by √d_h as the
   * SlotContrast code does; `'standard'` divides by √d_h (textbook attention).
   */
  readonly logitScale?: 'official' | 'standard';
}

/** One pre-LN block over x [K, S] (rule in the file header); float64 output [K, S]. */
export function transformerBlock(
  x: Tensor,
  w: TransformerBlockWeights,
  options: TransformerBlockOptions,
): Tensor<Float64Array> {
  const sizes: Record<string, number> = {};
  expectShape('predictor input', x, ['K', 'S'], sizes);
  const k = sizes.K!;
  const s = sizes.S!;
  const heads = options.heads;
  if (!Number.isInteger(heads) || heads < 1 || s % heads !== 0) {
    throw new InputError('predictor heads', `${heads} heads do not divide the slot width ${s}`);
  }
  expectShape('self_attn.qkv.weight', w.qkv.weight, [3 * s, s]);
  const dh = s / heads;
  const scale = options.logitScale === 'standard' ? 1 / Math.sqrt(dh) : Math.sqrt(dh);
  const h1 = layerNorm(x, w.norm1.weight, w.norm1.bias, 1e-5, 'norm1');
  const qkv = linear(h1, w.qkv.weight, w.qkv.bias, 'self_attn.qkv').data;
  const att = new Float64Array(k * s);
  const row = new Float64Array(k);
  for (let h = 0; h < heads; h++) {
    const off = h * dh;
    for (let i = 0; i < k; i++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < k; j++) {
        let dot = 0;
        for (let c = 0; c < dh; c++) dot += qkv[i * 3 * s + off + c]! * qkv[j * 3 * s + s + off + c]!;
        row[j] = dot * scale;
        max = Math.max(max, row[j]!);
      }
      let sum = 0;
      for (let j = 0; j < k; j++) {
        row[j] = Math.exp(row[j]! - max);
        sum += row[j]!;
      }
      for (let j = 0; j < k; j++) {
        const a = row[j]! / sum;
        for (let c = 0; c < dh; c++) att[i * s + off + c]! += a * qkv[j * 3 * s + 2 * s + off + c]!;
      }
    }
  }
  const attended = linear(
    { data: att, dims: [k, s] },
    w.outProj.weight,
    w.outProj.bias,
    'self_attn.out_proj',
  );
  const y = new Float64Array(k * s);
  for (let i = 0; i < y.length; i++) y[i] = x.data[i]! + attended.data[i]!;
  const ff = mlp(
    { data: y, dims: [k, s] },
    { norm: w.norm2, layers: [w.linear1, w.linear2], residual: true },
    'predictor feed-forward',
  );
  return ff;
}
