import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/InputError.js';
import { randomTensor, seededUniform } from '../slotAttention/slotContrast.testkit.js';
import type { Tensor } from '../tensor/Tensor.js';
import { deformableSample, deformableSampleBackward, gridSample, referencePoints } from './index.js';

const map = randomTensor(seededUniform(2), [2, 3, 4]);

describe('gridSample by hand', () => {
  it('returns the map at its reference points, in both conventions', () => {
    for (const alignCorners of [false, true]) {
      const out = gridSample(map, referencePoints(3, 4, alignCorners), { alignCorners });
      for (let i = 0; i < map.data.length; i++) expect(out.data[i]).toBeCloseTo(map.data[i]!, 6);
    }
  });
  it('half-pixel: x = ±1 is the outer edge (half the border pixel, half zero padding)', () => {
    const m = { data: Float64Array.from([2, 4]), dims: [1, 1, 2] };
    const out = gridSample(m, { data: Float64Array.from([-1, 0, 1, 0, 0, 0]), dims: [3, 2] });
    expect(Array.from(out.data)).toEqual([1, 2, 3]);
    const aligned = gridSample(
      m,
      { data: Float64Array.from([-1, 0, 1, 0, 0, 0]), dims: [3, 2] },
      { alignCorners: true },
    );
    expect(Array.from(aligned.data)).toEqual([2, 4, 3]);
  });
});

describe('gradients by finite differences', () => {
  it('∂/∂offsets and ∂/∂map of Σ g ⊙ deformableSample', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.boolean(), (seed, alignCorners) => {
        const r = seededUniform(seed);
        const reference = referencePoints(2, 3, alignCorners);
        const offsets = randomTensor(r, [6, 2], 0.7);
        const upstream = randomTensor(r, [2, 6]);
        const loss = (m: Tensor, off: Tensor) => {
          const out = deformableSample(m, reference, off, { alignCorners }).data;
          let s = 0;
          for (let i = 0; i < out.length; i++) s += out[i]! * upstream.data[i]!;
          return s;
        };
        const g = deformableSampleBackward(map, reference, offsets, upstream, { alignCorners });
        const h = 1e-6;
        for (let i = 0; i < offsets.data.length; i++) {
          const plus = { data: Float64Array.from(offsets.data), dims: offsets.dims };
          const minus = { data: Float64Array.from(offsets.data), dims: offsets.dims };
          plus.data[i]! += h;
          minus.data[i]! -= h;
          const fd = (loss(map, plus) - loss(map, minus)) / (2 * h);
          expect(Math.abs(fd - g.gradOffsets.data[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(fd)));
        }
        for (let i = 0; i < map.data.length; i += 5) {
          const plus = { data: Float64Array.from(map.data), dims: map.dims };
          plus.data[i]! += 1;
          // The sample is linear in the map: the difference for a unit step is the gradient exactly.
          expect(loss(plus, offsets) - loss(map, offsets)).toBeCloseTo(g.gradMap.data[i]!, 9);
        }
      }),
      { numRuns: 20 },
    );
  });
});

describe('argument checks', () => {
  it('names a misshapen or non-finite argument', () => {
    expect(() => gridSample(map, { data: new Float64Array(3), dims: [3, 1] })).toThrow(
      /points: has dims \[3,1\]/,
    );
    expect(() =>
      deformableSample(map, referencePoints(1, 2), {
        data: Float64Array.from([0, Number.NaN, 0, 0]),
        dims: [2, 2],
      }),
    ).toThrow(InputError);
    expect(() => referencePoints(0, 2)).toThrow(/referencePoints height/);
  });
});
