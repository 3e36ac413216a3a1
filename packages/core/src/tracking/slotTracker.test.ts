import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/InputError.js';
import { randomTensor, seededUniform } from '../slotAttention/slotContrast.testkit.js';
import type { Tensor } from '../tensor/Tensor.js';
import { matchSlots, SlotTracker, slotCosine } from './index.js';

const permuteRows = (t: Tensor, perm: number[], s: number): Tensor => ({
  data: Float64Array.from(perm.flatMap((i) => Array.from(t.data.subarray(i * s, (i + 1) * s)))),
  dims: [perm.length, s],
});

describe('slot tracking', () => {
  it('keeps ids when the slots are shuffled and slightly perturbed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 5 }),
        (seed, perm) => {
          const r = seededUniform(seed);
          const s = 16;
          const a = randomTensor(r, [5, s]);
          const noisy = permuteRows(a, perm, s);
          for (let i = 0; i < noisy.data.length; i++) noisy.data[i]! += r(0.01);
          const tracker = new SlotTracker();
          const first = tracker.update(a);
          expect(Array.from(first.ids)).toEqual([0, 1, 2, 3, 4]);
          const next = tracker.update(noisy);
          expect(Array.from(next.ids)).toEqual(perm);
          expect(Array.from(next.previous)).toEqual(perm);
        },
      ),
      { numRuns: 30 },
    );
  });
  it('maximises the total cosine, not each slot greedily', () => {
    // prev 0 is closest to both current slots; the optimum gives current 0 to prev 1.
    const prev = { data: Float64Array.from([1, 0, 0.6, 0.8]), dims: [2, 2] };
    const cur = { data: Float64Array.from([0.9, 0.1, 1, -0.05]), dims: [2, 2] };
    const cos = slotCosine(prev, cur).data;
    expect(cos[0]! > cos[2]! && cos[1]! > cos[3]!).toBe(true);
    expect(Array.from(matchSlots(prev, cur))).toEqual([1, 0]);
  });
  it('gives new ids to extra slots and to matches below minSimilarity', () => {
    const tracker = new SlotTracker({ minSimilarity: 0.5 });
    tracker.update({ data: Float64Array.from([1, 0, 0, 1]), dims: [2, 2] });
    const next = tracker.update({ data: Float64Array.from([0, 1, -1, 0, 1, 0.1]), dims: [3, 2] });
    expect(Array.from(next.ids)).toEqual([1, 2, 0]);
    expect(next.previous[1]).toBe(-1);
    expect(Number.isNaN(next.similarity[1]!)).toBe(true);
  });
  it('rejects slots of another width or with NaN', () => {
    const tracker = new SlotTracker();
    tracker.update({ data: new Float64Array(4), dims: [2, 2] });
    expect(() => tracker.update({ data: new Float64Array(6), dims: [2, 3] })).toThrow(InputError);
    expect(() => tracker.update({ data: Float64Array.from([0, Number.NaN]), dims: [1, 2] })).toThrow(
      'slots: value 1 is NaN',
    );
  });
});
