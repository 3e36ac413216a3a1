/**
 * SlotContrast's MLP decoder (slotcontrast/modules/decoders.py `MLPDecoder`), per slot k and token p:
 *   z[k, p] = s[k] + E[p]                    (learned position embedding E [P, S])
 *   [rec[k, p] ∈ R^D, α[k, p]] = MLP(z[k, p])  (Linear/ReLU stack to D + 1 outputs)
 *   m = softmax_k(α)                          (the decoder masks)
 *   recon[p] = Σ_k m[k, p]·rec[k, p]
 */
import { InputError } from '../errors/InputError.js';
import { softmax } from '../ops/softmax.js';
import { expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';
import { type MlpWeights, mlp } from './mlp.js';

/** Weights of {@link mlpDecoder}. */
export interface MlpDecoderWeights {
  /** Linear/ReLU stack S → … → D + 1 (`decoder.module.mlp.layers.*`). */
  readonly mlp: MlpWeights;
  /** Position embedding E [P, S] (`decoder.module.pos_emb`, stored [1, 1, P, S]). */
  readonly posEmb: Tensor;
}

/** Result of {@link mlpDecoder}. */
export interface MlpDecoderResult {
  /** Decoder masks m [K, P] (softmax over slots). */
  readonly masks: Tensor<Float64Array>;
  /** Reconstruction [P, D]. */
  readonly reconstruction: Tensor<Float64Array>;
}

/** Decode slots [K, S] (rule in the file header). */
export function mlpDecoder(slots: Tensor, w: MlpDecoderWeights): MlpDecoderResult {
  const sizes: Record<string, number> = {};
  expectShape('slots', slots, ['K', 'S'], sizes);
  expectShape('decoder pos_emb', w.posEmb, ['P', 'S'], sizes);
  const k = sizes.K!;
  const p = sizes.P!;
  const s = sizes.S!;
  const last = w.mlp.layers[w.mlp.layers.length - 1];
  if (last === undefined) throw new InputError('decoder mlp', 'has no layers');
  const out = last.weight.dims[0]!;
  if (out < 2) throw new InputError('decoder mlp', `outputs ${out} channels, needs D + 1 ≥ 2`);
  const dOut = out - 1;
  const alpha = new Float64Array(k * p);
  const recs = new Float64Array(k * p * dOut);
  const z = new Float64Array(p * s);
  for (let slot = 0; slot < k; slot++) {
    for (let t = 0; t < p; t++) {
      for (let c = 0; c < s; c++) z[t * s + c] = slots.data[slot * s + c]! + w.posEmb.data[t * s + c]!;
    }
    const o = mlp({ data: z, dims: [p, s] }, w.mlp, 'decoder mlp').data;
    for (let t = 0; t < p; t++) {
      recs.set(o.subarray(t * out, t * out + dOut), (slot * p + t) * dOut);
      alpha[slot * p + t] = o[t * out + dOut]!;
    }
  }
  const masks = softmax({ data: alpha, dims: [k, p] }, 0).data;
  const recon = new Float64Array(p * dOut);
  for (let slot = 0; slot < k; slot++) {
    for (let t = 0; t < p; t++) {
      const m = masks[slot * p + t]!;
      const src = (slot * p + t) * dOut;
      for (let c = 0; c < dOut; c++) recon[t * dOut + c]! += m * recs[src + c]!;
    }
  }
  return { masks: { data: masks, dims: [k, p] }, reconstruction: { data: recon, dims: [p, dOut] } };
}
