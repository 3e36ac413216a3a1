import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/InputError.js';
import { randomTensor, seededUniform } from '../slotAttention/slotContrast.testkit.js';
import type { Tensor } from '../tensor/Tensor.js';
import { fuseKeys, readSmtcWeights, semanticAwareSlotAttention } from './index.js';

function randomSmtcDict(seed: number, s: number, d: number, f: number): Record<string, Tensor> {
  const r = seededUniform(seed);
  const sa = 'slot_attention';
  const dict: Record<string, Tensor> = {
    'transport_proj.weight': randomTensor(r, [d, f, 1], 0.3),
    'transport_proj.bias': randomTensor(r, [d], 0.1),
    [`${sa}.slots_mu`]: randomTensor(r, [1, s, 1, d]),
    [`${sa}.slots_sigma`]: randomTensor(r, [1, s, 1, d], 0.5),
  };
  for (const ln of ['norm_input', 'norm_slots', 'norm_pre_ff']) {
    dict[`${sa}.${ln}.weight`] = { data: new Float32Array(d).fill(1), dims: [d] };
    dict[`${sa}.${ln}.bias`] = randomTensor(r, [d], 0.1);
  }
  for (const lin of ['project_q', 'project_k', 'project_v', 'mlp.0', 'mlp.2']) {
    dict[`${sa}.${lin}.weight`] = randomTensor(r, [d, d], 1 / Math.sqrt(d));
    dict[`${sa}.${lin}.bias`] = randomTensor(r, [d], 0.1);
  }
  return dict;
}

describe('SMTC head (unit)', () => {
  const dict = randomSmtcDict(1, 3, 4, 4);
  const weights = readSmtcWeights(dict, { instances: 2, iterations: 2 });

  it('infers a square fusion grid and refuses one that does not tile the Conv1d channels', () => {
    expect(weights.config).toMatchObject({
      centres: 3,
      dim: 4,
      fusionHeight: 2,
      fusionWidth: 2,
      instances: 2,
    });
    expect(() => readSmtcWeights(dict, { fusionHeight: 3 })).toThrow(
      /transport_proj\.weight: its 4 input channels/,
    );
  });

  it('fusion: a clip of one frame correlates the frame with itself (cyclic), exactly by the formula', () => {
    // Grid 2×2 equals the fusion grid, so the resize is the identity.
    const keys = randomTensor(seededUniform(4), [1, 4, 4]);
    const fused = fuseKeys(keys, { height: 2, width: 2 }, weights);
    const w = weights.transport.weight.data;
    const b = weights.transport.bias!.data;
    for (let m = 0; m < 4; m++) {
      for (let c = 0; c < 4; c++) {
        let s = b[c]!;
        for (let q = 0; q < 4; q++) {
          let corr = 0;
          for (let e = 0; e < 4; e++) corr += keys.data[q * 4 + e]! * keys.data[m * 4 + e]!;
          s += w[c * 4 + q]! * corr;
        }
        expect(fused.data[m * 4 + c]).toBeCloseTo(keys.data[m * 4 + c]! + s, 5);
      }
    }
  });

  it('stage 1 does not depend on the noise; a gate that blocks every token leaves only the MLP update', () => {
    const keys = randomTensor(seededUniform(5), [6, 4]);
    const n1 = randomTensor(seededUniform(6), [3, 2, 4]);
    const n2 = randomTensor(seededUniform(7), [3, 2, 4]);
    const a = semanticAwareSlotAttention(keys, n1, weights);
    const b = semanticAwareSlotAttention(keys, n2, weights);
    expect(Array.from(a.semanticSlots.data)).toEqual(Array.from(b.semanticSlots.data));
    const blocked1 = semanticAwareSlotAttention(keys, n1, weights, { threshold: 1e9 });
    const blockedOther = semanticAwareSlotAttention(randomTensor(seededUniform(8), [6, 4]), n1, weights, {
      threshold: 1e9,
    });
    // With every token gated off the instance slots never see the keys.
    expect(Array.from(blocked1.instanceSlots.data)).toEqual(Array.from(blockedOther.instanceSlots.data));
  });

  it('names the argument of a bad shape or gate', () => {
    const keys = randomTensor(seededUniform(5), [6, 4]);
    expect(() =>
      semanticAwareSlotAttention(keys, randomTensor(seededUniform(6), [3, 3, 4]), weights),
    ).toThrow('noise: has dims [3,3,4], expected [3,2,4]');
    expect(() =>
      semanticAwareSlotAttention(keys, randomTensor(seededUniform(6), [3, 2, 4]), weights, {
        gate: 'other' as 'softmax',
      }),
    ).toThrow(InputError);
    expect(() =>
      fuseKeys(randomTensor(seededUniform(4), [1, 5, 4]), { height: 2, width: 2 }, weights),
    ).toThrow(/keys: has dims \[1,5,4\]/);
  });
});
