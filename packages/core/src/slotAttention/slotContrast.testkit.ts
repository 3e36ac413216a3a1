/**
 * Test-only: a seeded random SlotContrast state_dict under the official key names, for the
 * slot-attention tests (shapes of METHODS.md §1 at any size).
 */
import type { StateDict } from '../ops/stateDict.js';
import type { Tensor } from '../tensor/Tensor.js';

/** Deterministic uniform(−a, a) values (mulberry32). */
export function seededUniform(seed: number): (a?: number) => number {
  let s = seed >>> 0;
  return (a = 1) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return (2 * u - 1) * a;
  };
}

/** A random float32 tensor of `dims` with values in (−scale, scale). */
export function randomTensor(rand: (a?: number) => number, dims: number[], scale = 1): Tensor<Float32Array> {
  const n = dims.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, () => rand(scale)), dims };
}

/** Random official-layout weights for K slots of width S, features D, P tokens, decoder hidden H. */
export function randomSlotContrastStateDict(
  seed: number,
  sizes: { K: number; S: number; D: number; P: number; H: number },
): StateDict {
  const { K, S, D, P, H } = sizes;
  const r = seededUniform(seed);
  const lin = (prefix: string, out: number, inp: number, bias = true): Record<string, Tensor> => ({
    [`${prefix}.weight`]: randomTensor(r, [out, inp], 1 / Math.sqrt(inp)),
    ...(bias ? { [`${prefix}.bias`]: randomTensor(r, [out], 0.1) } : {}),
  });
  const ln = (prefix: string, c: number): Record<string, Tensor> => ({
    [`${prefix}.weight`]: { data: Float32Array.from({ length: c }, () => 1 + r(0.2)), dims: [c] },
    [`${prefix}.bias`]: randomTensor(r, [c], 0.1),
  });
  const c = 'processor.module.corrector';
  const p = 'processor.module.predictor.blocks.0';
  return {
    'initializer.slots': randomTensor(r, [1, K, S], 1),
    ...ln('encoder.module.output_transform.layers.0', D),
    ...lin('encoder.module.output_transform.layers.1', 2 * D, D),
    ...lin('encoder.module.output_transform.layers.3', S, 2 * D),
    ...lin(`${c}.to_q`, S, S, false),
    ...lin(`${c}.to_k`, S, S, false),
    ...lin(`${c}.to_v`, S, S, false),
    [`${c}.gru.weight_ih`]: randomTensor(r, [3 * S, S], 1 / Math.sqrt(S)),
    [`${c}.gru.weight_hh`]: randomTensor(r, [3 * S, S], 1 / Math.sqrt(S)),
    [`${c}.gru.bias_ih`]: randomTensor(r, [3 * S], 0.1),
    [`${c}.gru.bias_hh`]: randomTensor(r, [3 * S], 0.1),
    ...ln(`${c}.mlp.layers.0`, S),
    ...lin(`${c}.mlp.layers.1`, 4 * S, S),
    ...lin(`${c}.mlp.layers.3`, S, 4 * S),
    ...ln(`${c}.norm_features`, S),
    ...ln(`${c}.norm_slots`, S),
    ...ln(`${p}.norm1`, S),
    ...lin(`${p}.self_attn.qkv`, 3 * S, S),
    ...lin(`${p}.self_attn.out_proj`, S, S),
    ...ln(`${p}.norm2`, S),
    ...lin(`${p}.linear1`, 4 * S, S),
    ...lin(`${p}.linear2`, S, 4 * S),
    ...lin('decoder.module.mlp.layers.0', H, S),
    ...lin('decoder.module.mlp.layers.2', H, H),
    ...lin('decoder.module.mlp.layers.4', D + 1, H),
    'decoder.module.pos_emb': randomTensor(r, [1, 1, P, S], 1 / Math.sqrt(S)),
  };
}
