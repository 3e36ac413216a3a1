/**
 * SlotContrast weights read by the official `state_dict` key names (Lightning checkpoint of
 * martius-lab/slotcontrast, METHODS.md §1), sizes inferred from the tensors:
 *
 *   initializer.slots                               [1, K, S]
 *   encoder.module.output_transform.layers.{0,1,3}   LN(D), Linear(D→2D), Linear(2D→S)
 *   processor.module.corrector.{to_q,to_k,to_v}.weight, gru.{weight,bias}_{ih,hh},
 *     mlp.layers.{0,1,3}, norm_features, norm_slots
 *   processor.module.predictor.blocks.0.{norm1, self_attn.qkv, self_attn.out_proj, norm2, linear1, linear2}
 *   decoder.module.mlp.layers.{0,2,4,6}, decoder.module.pos_emb [1, 1, P, S]
 *
 * The MLP layer indices are discovered (a 1-D weight at index 0 is the initial LayerNorm, every
 * 2-D weight a Linear), so other hidden-layer counts load as well.
 */
import { InputError } from '../errors/InputError.js';
import { hasStateTensor, type StateDict, stateTensor } from '../ops/stateDict.js';
import type { Tensor } from '../tensor/Tensor.js';
import type { LayerNormWeights, LinearWeights, MlpWeights } from './mlp.js';
import type { MlpDecoderWeights } from './mlpDecoder.js';
import type { SlotAttentionWeights } from './slotAttention.js';
import type { TransformerBlockWeights } from './transformerBlock.js';

/** Sizes and schedule of a SlotContrast model. */
export interface SlotContrastConfig {
  /** K slots. */
  readonly slots: number;
  /** S slot width. */
  readonly slotDim: number;
  /** D backbone feature width. */
  readonly featureDim: number;
  /** P tokens per frame (decoder position embedding). */
  readonly patches: number;
  /** Slot-attention iterations at t = 0 (official 3). */
  readonly iterationsFirst: number;
  /** Slot-attention iterations for t > 0 (official 2). */
  readonly iterationsNext: number;
  /** Predictor heads (official 4). */
  readonly predictorHeads: number;
  /** eps of slot attention (official 1e-8). */
  readonly eps: number;
}

/** Everything the reference forward needs, by role. */
export interface SlotContrastWeights {
  readonly config: SlotContrastConfig;
  /** Learned initial slots Z [K, S]. */
  readonly initSlots: Tensor;
  /** Feature adapter LN → Linear → ReLU → Linear. */
  readonly adapter: MlpWeights;
  readonly corrector: SlotAttentionWeights;
  readonly predictor: TransformerBlockWeights;
  readonly decoder: MlpDecoderWeights;
}

/** Schedule options not stored in a checkpoint (defaults are the official ones). */
export interface SlotContrastScheduleOptions {
  readonly iterationsFirst?: number;
  readonly iterationsNext?: number;
  readonly predictorHeads?: number;
  readonly eps?: number;
}

const view = (t: Tensor, dims: number[]): Tensor => ({ data: t.data, dims });

function linearAt(
  dict: StateDict,
  prefix: string,
  sizes: Record<string, number>,
  out: string,
  inp: string,
  bias = true,
): LinearWeights {
  const weight = stateTensor(dict, `${prefix}.weight`, [out, inp], sizes);
  return bias ? { weight, bias: stateTensor(dict, `${prefix}.bias`, [out], sizes) } : { weight };
}

function normAt(dict: StateDict, prefix: string, sizes: Record<string, number>, c: string): LayerNormWeights {
  return {
    weight: stateTensor(dict, `${prefix}.weight`, [c], sizes),
    bias: stateTensor(dict, `${prefix}.bias`, [c], sizes),
  };
}

/** An `networks.MLP` under `<prefix>.layers.<i>` (indices discovered; rule in the file header). */
function mlpAt(dict: StateDict, prefix: string, residual: boolean): MlpWeights {
  const re = new RegExp(`^${prefix.replaceAll('.', '\\.')}\\.layers\\.(\\d+)\\.weight$`);
  const indices = Object.keys(dict)
    .map((key) => re.exec(key)?.[1])
    .filter((i): i is string => i !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  if (indices.length === 0) throw new InputError(`${prefix}.layers.*`, 'missing from the weights');
  let norm: LayerNormWeights | undefined;
  const layers: LinearWeights[] = [];
  for (const i of indices) {
    const key = `${prefix}.layers.${i}`;
    const w = dict[`${key}.weight`]!;
    if (w.dims.length === 1) {
      if (i !== indices[0])
        throw new InputError(`${key}.weight`, 'a LayerNorm is only expected as the first layer');
      norm = normAt(dict, key, {}, 'C');
    } else {
      const sizes: Record<string, number> = {};
      layers.push(linearAt(dict, key, sizes, 'out', 'in', hasStateTensor(dict, `${key}.bias`)));
    }
  }
  for (let i = 1; i < layers.length; i++) {
    if (layers[i]!.weight.dims[1] !== layers[i - 1]!.weight.dims[0]) {
      throw new InputError(
        `${prefix}.layers`,
        `layer ${i} takes ${layers[i]!.weight.dims[1]} inputs, the previous gives ${layers[i - 1]!.weight.dims[0]}`,
      );
    }
  }
  return norm === undefined ? { layers, residual } : { norm, layers, residual };
}

/** Read SlotContrast weights from an official state_dict (rule in the file header). */
export function readSlotContrastWeights(
  dict: StateDict,
  options: SlotContrastScheduleOptions = {},
): SlotContrastWeights {
  const sizes: Record<string, number> = {};
  const init = stateTensor(dict, 'initializer.slots', [1, 'K', 'S'], sizes);
  const k = sizes.K!;
  const s = sizes.S!;
  const adapter = mlpAt(dict, 'encoder.module.output_transform', false);
  const adapterIn = adapter.layers[0]!.weight.dims[1]!;
  const adapterOut = adapter.layers[adapter.layers.length - 1]!.weight.dims[0]!;
  if (adapterOut !== s) {
    throw new InputError(
      'encoder.module.output_transform.layers',
      `outputs ${adapterOut} channels, the slots have S = ${s}`,
    );
  }
  sizes.D = adapterIn;
  const c = 'processor.module.corrector';
  const corrector: SlotAttentionWeights = {
    toQ: stateTensor(dict, `${c}.to_q.weight`, ['d', 'S'], sizes),
    toK: stateTensor(dict, `${c}.to_k.weight`, ['d', 'S'], sizes),
    toV: stateTensor(dict, `${c}.to_v.weight`, ['d', 'S'], sizes),
    ...(hasStateTensor(dict, `${c}.gru.weight_ih`)
      ? {
          gru: {
            weightIh: stateTensor(dict, `${c}.gru.weight_ih`, [3 * s, 'd'], sizes),
            weightHh: stateTensor(dict, `${c}.gru.weight_hh`, [3 * s, 'S'], sizes),
            biasIh: stateTensor(dict, `${c}.gru.bias_ih`, [3 * s], sizes),
            biasHh: stateTensor(dict, `${c}.gru.bias_hh`, [3 * s], sizes),
          },
        }
      : {}),
    ...(Object.keys(dict).some((key) => key.startsWith(`${c}.mlp.layers.`))
      ? { mlp: mlpAt(dict, `${c}.mlp`, true) }
      : {}),
    normFeatures: normAt(dict, `${c}.norm_features`, sizes, 'S'),
    normSlots: normAt(dict, `${c}.norm_slots`, sizes, 'S'),
  };
  const p = 'processor.module.predictor.blocks.0';
  const predictor: TransformerBlockWeights = {
    norm1: normAt(dict, `${p}.norm1`, sizes, 'S'),
    qkv: linearAt(
      dict,
      `${p}.self_attn.qkv`,
      { ...sizes, Q: 3 * s },
      'Q',
      'S',
      hasStateTensor(dict, `${p}.self_attn.qkv.bias`),
    ),
    outProj: linearAt(dict, `${p}.self_attn.out_proj`, sizes, 'S', 'S'),
    norm2: normAt(dict, `${p}.norm2`, sizes, 'S'),
    linear1: linearAt(dict, `${p}.linear1`, sizes, 'F', 'S'),
    linear2: linearAt(dict, `${p}.linear2`, sizes, 'S', 'F'),
  };
  const posEmb = stateTensor(dict, 'decoder.module.pos_emb', [1, 1, 'P', 'S'], sizes);
  const decoderMlp = mlpAt(dict, 'decoder.module.mlp', false);
  const decoderOut = decoderMlp.layers[decoderMlp.layers.length - 1]!.weight.dims[0]!;
  if (decoderOut !== sizes.D! + 1) {
    throw new InputError(
      'decoder.module.mlp.layers',
      `outputs ${decoderOut} channels, expected D + 1 = ${sizes.D! + 1}`,
    );
  }
  return {
    config: {
      slots: k,
      slotDim: s,
      featureDim: sizes.D!,
      patches: sizes.P!,
      iterationsFirst: options.iterationsFirst ?? 3,
      iterationsNext: options.iterationsNext ?? 2,
      predictorHeads: options.predictorHeads ?? 4,
      eps: options.eps ?? 1e-8,
    },
    initSlots: view(init, [k, s]),
    adapter,
    corrector,
    predictor,
    decoder: { mlp: decoderMlp, posEmb: view(posEmb, [sizes.P!, s]) },
  };
}
