/**
 * The plain MLP of SlotContrast's `networks.MLP` and SMTC's `nn.Sequential` heads:
 * optional initial LayerNorm, then Linear → ReLU → … → Linear (no activation after the last),
 * optionally residual (y = x + MLP(x)). Source: slotcontrast/modules/networks.py (`MLP`).
 */
import { InputError } from '../errors/InputError.js';
import { relu } from '../ops/elementwise.js';
import { layerNorm } from '../ops/layerNorm.js';
import { linear } from '../ops/linear.js';
import type { Tensor } from '../tensor/Tensor.js';

/** One `nn.Linear` by its tensors. */
export interface LinearWeights {
  /** [out, in] */
  readonly weight: Tensor;
  /** [out] */
  readonly bias?: Tensor;
}

/** One `nn.LayerNorm` by its tensors. */
export interface LayerNormWeights {
  /** γ [C] */
  readonly weight: Tensor;
  /** β [C] */
  readonly bias: Tensor;
}

/** Layers of an MLP (rule in the file header). */
export interface MlpWeights {
  readonly norm?: LayerNormWeights;
  /** Linear layers in order; ReLU between consecutive ones. */
  readonly layers: readonly LinearWeights[];
  /** y = x + MLP(x) when true. */
  readonly residual?: boolean;
}

/** Apply an MLP over the last axis of x (rule in the file header); float64 output. */
export function mlp(x: Tensor, w: MlpWeights, name = 'mlp'): Tensor<Float64Array> {
  if (w.layers.length === 0) throw new InputError(name, 'needs at least one linear layer');
  let h: Tensor = w.norm === undefined ? x : layerNorm(x, w.norm.weight, w.norm.bias, 1e-5, `${name} norm`);
  w.layers.forEach((layer, i) => {
    h = linear(h, layer.weight, layer.bias, `${name} layer ${i}`);
    if (i < w.layers.length - 1) h = relu(h);
  });
  const out = h as Tensor<Float64Array>;
  if (w.residual === true) {
    for (let i = 0; i < out.data.length; i++) out.data[i]! += x.data[i]!;
  }
  return out;
}
