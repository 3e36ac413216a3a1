import type { Tensor } from '@slotmatch/core';
import { describe, expect, it } from 'vitest';
import { ckaAttentionLoss, interObjectRelationLoss, intraObjectRelationLoss } from '../distillation/index.js';
import { reconstructionLoss, slotContrastLoss, slotKdLoss, slotMatchLoss } from '../slotmatch/index.js';
import { instanceConsistencyLoss, semanticConsistencyLoss, slotDiversityLoss } from '../smtc/index.js';
import { randomTensor } from './gradcheck.testkit.js';

const f32 = (t: Tensor): Tensor => ({ data: Float32Array.from(t.data), dims: t.dims });

describe('gradient storage follows the input type', () => {
  const x = (dims: number[], seed: number) => randomTensor(dims, seed);
  const cases: [string, (c: (t: Tensor) => Tensor) => Record<string, Tensor | undefined>][] = [
    ['reconstructionLoss', (c) => reconstructionLoss(c(x([2, 3, 4], 1)), c(x([2, 3, 4], 2))).grads],
    ['slotContrastLoss', (c) => slotContrastLoss(c(x([2, 3, 4, 5], 3))).grads],
    [
      'slotKdLoss',
      (c) =>
        slotKdLoss(c(x([2, 2, 3, 4], 4)), c(x([2, 2, 3, 2], 5)), {
          correspondence: 'hungarian',
          projection: { weight: c(x([4, 2], 6)), bias: c(x([4], 7)) },
        }).grads,
    ],
    [
      'slotMatchLoss',
      (c) =>
        slotMatchLoss({
          recon: c(x([2, 2, 3, 4], 8)),
          target: c(x([2, 2, 3, 4], 9)),
          studentSlots: c(x([2, 2, 3, 5], 10)),
          teacherSlots: c(x([2, 2, 3, 5], 11)),
        }).grads,
    ],
    [
      'semanticConsistencyLoss',
      (c) =>
        semanticConsistencyLoss(c(x([1, 2, 3, 4], 12)), c(x([1, 2, 3, 4], 13)), c(x([1, 2, 4, 5], 14))).grads,
    ],
    ['slotDiversityLoss', (c) => slotDiversityLoss(c(x([1, 2, 3, 4], 15))).grads],
    [
      'instanceConsistencyLoss',
      (c) => {
        const v = { data: Float64Array.from({ length: 8 }, () => 1), dims: [1, 2, 2, 2] };
        return instanceConsistencyLoss(c(x([1, 2, 2, 2, 3], 16)), c(x([1, 2, 2, 2, 3], 17)), c(v), c(v))
          .grads;
      },
    ],
    ['ckaAttentionLoss', (c) => ckaAttentionLoss(c(x([2, 6, 3], 18)), c(x([2, 6, 4], 19))).grads],
    [
      'interObjectRelationLoss',
      (c) => interObjectRelationLoss(c(x([1, 3, 5], 20)), c(x([1, 3, 5], 21))).grads,
    ],
    [
      'intraObjectRelationLoss',
      (c) => intraObjectRelationLoss(c(x([1, 3, 5], 22)), c(x([1, 3, 5], 23))).grads,
    ],
  ];
  for (const [name, grads] of cases) {
    it(`${name}: float32 in → float32 gradients, float64 in → float64, within 1e-5 of each other`, () => {
      const g64 = grads((t) => t);
      const g32 = grads(f32);
      expect(Object.keys(g32).sort()).toEqual(Object.keys(g64).sort());
      for (const [k, t] of Object.entries(g32)) {
        expect(t!.data, `${k} (float32 inputs)`).toBeInstanceOf(Float32Array);
        expect(g64[k]!.data, `${k} (float64 inputs)`).toBeInstanceOf(Float64Array);
        let scale = 0;
        for (const v of g64[k]!.data) scale = Math.max(scale, Math.abs(v));
        for (let i = 0; i < t!.data.length; i++)
          expect(Math.abs(t!.data[i]! - g64[k]!.data[i]!), `${k}[${i}]`).toBeLessThanOrEqual(1e-5 * scale);
      }
    });
  }
});
