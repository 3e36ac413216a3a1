/**
 * SlotContrast reference forward (METHODS.md §1; martius-lab/slotcontrast `models.py`,
 * `modules/video.py` LatentProcessor + ScanOverTime), per video and frame t:
 *
 *   h_t = Lin(2D→S)(ReLU(Lin(D→2D)(LN(f_t))))                 (feature adapter)
 *   s_t, A_t = SlotAttention(init_t, h_t)                      (3 iterations at t = 0, 2 later)
 *   init_{t+1} = Predictor(s_t)                                (one pre-LN transformer block)
 *   m_t, recon_t = MLPDecoder(s_t)
 *
 * with init_0 = the learned slots Z. Float32 or float64 in, float64 accumulation and results.
 */
import { InputError } from '../errors/InputError.js';
import { expectFinite, expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';
import { mlp } from './mlp.js';
import { mlpDecoder } from './mlpDecoder.js';
import { slotAttention } from './slotAttention.js';
import type { SlotContrastWeights } from './slotContrastWeights.js';
import { transformerBlock } from './transformerBlock.js';

/** Outputs of one frame. */
export interface SlotContrastStep {
  /** Slots s_t [K, S]. */
  readonly slots: Tensor<Float64Array>;
  /** Slot-attention A_t of the last iteration (softmax over slots) [K, P]. */
  readonly attention: Tensor<Float64Array>;
  /** Decoder masks m_t [K, P]. */
  readonly masks: Tensor<Float64Array>;
  /** Predicted init of the next frame [K, S]. */
  readonly nextInit: Tensor<Float64Array>;
  /** Feature reconstruction [P, D]. */
  readonly reconstruction: Tensor<Float64Array>;
}

/**
 * One frame: features f_t [P, D]; `init` [K, S] is the previous step's `nextInit`, or omitted at
 * t = 0 (the learned slots, `iterationsFirst` iterations).
 */
export function slotContrastStep(
  weights: SlotContrastWeights,
  features: Tensor,
  init?: Tensor,
): SlotContrastStep {
  const cfg = weights.config;
  expectShape('features', features, [cfg.patches, cfg.featureDim]);
  expectFinite('features', features.data);
  const first = init === undefined;
  const start = init ?? weights.initSlots;
  expectShape('init', start, [cfg.slots, cfg.slotDim]);
  const h = mlp(features, weights.adapter, 'adapter');
  const grouped = slotAttention(start, h, weights.corrector, {
    iterations: first ? cfg.iterationsFirst : cfg.iterationsNext,
    eps: cfg.eps,
  });
  const nextInit = transformerBlock(grouped.slots, weights.predictor, { heads: cfg.predictorHeads });
  const decoded = mlpDecoder(grouped.slots, weights.decoder);
  return {
    slots: grouped.slots,
    attention: grouped.attention,
    masks: decoded.masks,
    nextInit,
    reconstruction: decoded.reconstruction,
  };
}

/** Outputs of {@link slotContrastForward}, stacked over videos and frames. */
export interface SlotContrastOutputs {
  /** [B, T, K, S] */
  readonly slots: Tensor<Float64Array>;
  /** [B, T, K, P] */
  readonly attention: Tensor<Float64Array>;
  /** [B, T, K, P] */
  readonly masks: Tensor<Float64Array>;
  /** [B, T, K, S] */
  readonly nextInit: Tensor<Float64Array>;
  /** [B, T, P, D] */
  readonly reconstruction: Tensor<Float64Array>;
}

/** Forward of B clips of T frames, features [B, T, P, D], slots carried over time (file header). */
export function slotContrastForward(weights: SlotContrastWeights, features: Tensor): SlotContrastOutputs {
  const cfg = weights.config;
  const sizes: Record<string, number> = {};
  expectShape('features', features, ['B', 'T', cfg.patches, cfg.featureDim], sizes);
  const b = sizes.B!;
  const t = sizes.T!;
  if (t === 0) throw new InputError('features', 'holds no frames (T = 0)');
  const { slots: k, slotDim: s, patches: p, featureDim: d } = cfg;
  const out = {
    slots: new Float64Array(b * t * k * s),
    attention: new Float64Array(b * t * k * p),
    masks: new Float64Array(b * t * k * p),
    nextInit: new Float64Array(b * t * k * s),
    reconstruction: new Float64Array(b * t * p * d),
  };
  const frame = p * d;
  for (let v = 0; v < b; v++) {
    let init: Tensor | undefined;
    for (let f = 0; f < t; f++) {
      const i = v * t + f;
      const step = slotContrastStep(
        weights,
        { data: features.data.subarray(i * frame, (i + 1) * frame), dims: [p, d] },
        init,
      );
      out.slots.set(step.slots.data, i * k * s);
      out.attention.set(step.attention.data, i * k * p);
      out.masks.set(step.masks.data, i * k * p);
      out.nextInit.set(step.nextInit.data, i * k * s);
      out.reconstruction.set(step.reconstruction.data, i * frame);
      init = step.nextInit;
    }
  }
  return {
    slots: { data: out.slots, dims: [b, t, k, s] },
    attention: { data: out.attention, dims: [b, t, k, p] },
    masks: { data: out.masks, dims: [b, t, k, p] },
    nextInit: { data: out.nextInit, dims: [b, t, k, s] },
    reconstruction: { data: out.reconstruction, dims: [b, t, p, d] },
  };
}
