import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { resizeGolden } from '../image/resize.golden.js';
import { argmaxSlots } from './argmaxSlots.js';
import { oneHot } from './oneHot.js';
import { LabelMapper, masksToLabelMap, upsampleMasks } from './upsampleMasks.js';

describe('upsampleMasks', () => {
  it('matches torch bilinear (align_corners=False) on a [2,5,7] map', () => {
    const up = upsampleMasks(resizeGolden.src, 2, 5, 7, 8, 9);
    for (let i = 0; i < up.length; i++) expect(Math.abs(up[i]! - resizeGolden.bil_up[i]!)).toBeLessThan(2e-5);
  });
  it('rejects a mask tensor of the wrong size', () => {
    expect(() => upsampleMasks(new Float32Array(10), 2, 2, 3, 4, 4)).toThrow(
      /masks: has 10 values, expected K×h×w = 2×2×3/,
    );
  });
});

describe('argmaxSlots', () => {
  it('takes the first maximum and adds the offset', () => {
    // K = 3, N = 4 (slot-major)
    const m = [0.2, 0.5, 0.1, 0.3, 0.7, 0.5, 0.1, 0.3, 0.1, 0, 0.8, 0.3];
    expect(Array.from(argmaxSlots(m, 3))).toEqual([1, 0, 2, 0]);
    expect(Array.from(argmaxSlots(m, 3, 1))).toEqual([2, 1, 3, 1]);
  });
  it('rejects NaN and impossible label ranges', () => {
    expect(() => argmaxSlots([0, Number.NaN], 2)).toThrow(InputError);
    expect(() => argmaxSlots([0, 1, 2], 2)).toThrow(/do not split/);
    expect(() => argmaxSlots(new Float32Array(256), 256, 1)).toThrow(/fit/);
  });
});

/**
 * `labels` are the argmax of the upsampled masks, ties aside: wherever a label differs from
 * argmaxSlots(upsampleMasks(…)), its upsampled (float32) value is within a few float32 roundings
 * of the maximum.
 */
function expectArgmaxTiesAside(
  labels: Uint8Array,
  masks: Float32Array,
  k: number,
  h: number,
  w: number,
  oh: number,
  ow: number,
  offset: number,
): void {
  const up = upsampleMasks(masks, k, h, w, oh, ow);
  const exact = argmaxSlots(up, k, offset);
  let scale = 0;
  for (const v of masks) scale = Math.max(scale, Math.abs(v));
  const n = oh * ow;
  expect(labels).toHaveLength(n);
  for (let p = 0; p < n; p++) {
    if (labels[p] === exact[p]) continue;
    const gap = up[(exact[p]! - offset) * n + p]! - up[(labels[p]! - offset) * n + p]!;
    expect(gap, `pixel ${p}: label ${labels[p]} vs ${exact[p]}`).toBeLessThanOrEqual(2 ** -21 * (1 + scale));
  }
}

describe('masksToLabelMap', () => {
  it('equals argmax of the upsampled masks (ties aside), for random grids and frame sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 23 }),
        fc.integer({ min: 1, max: 23 }),
        fc.integer({ min: 0, max: 1 }),
        (k, h, w, oh, ow, offset) => {
          const masks = Float32Array.from(
            { length: k * h * w },
            (_, i) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453),
          );
          expectArgmaxTiesAside(
            masksToLabelMap(masks, k, h, w, oh, ow, offset),
            masks,
            k,
            h,
            w,
            oh,
            ow,
            offset,
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('LabelMapper', () => {
  it('equals argmax of the upsampled masks (ties aside) on blocky masks; all-equal masks give the first slot', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 1, max: 31 }),
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 36, maxLength: 36 }),
        (k, h, w, oh, ow, picks) => {
          // Softmax-like masks: slot picks[g] % (k + 1) dominates cell g; k + 1 means "all equal" (a tie).
          const masks = new Float32Array(k * h * w);
          for (let g = 0; g < h * w; g++) {
            const win = picks[g]! % (k + 1);
            for (let j = 0; j < k; j++) masks[j * h * w + g] = win === k ? 1 / k : j === win ? 0.9 : 0.1 / k;
          }
          const mapper = new LabelMapper(k, h, w, 1);
          const labels = mapper.run(masks, oh, ow);
          expectArgmaxTiesAside(labels, masks, k, h, w, oh, ow, 1);
          // Where every slot has the same value the first slot wins, as in argmaxSlots.
          if (picks.slice(0, h * w).every((p) => p % (k + 1) === k))
            expect(new Set(labels)).toEqual(new Set([1]));
          // A second run reuses tables and scratch, and can write into a given buffer.
          const out = new Uint8Array(oh * ow);
          expect(mapper.run(masks, oh, ow, out)).toBe(out);
          expect(out).toEqual(labels);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('equals argmax of the upsampled masks (ties aside) on quantised, near-tied and tiny masks at large output sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 90 }),
        fc.constantFrom('quantised', 'near-tie', 'tiny'),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 288, maxLength: 288 }),
        (k, h, w, oh, ow, kind, u) => {
          const masks = Float32Array.from({ length: k * h * w }, (_, i) =>
            kind === 'quantised'
              ? Math.round(u[i]! * 4) / 4
              : kind === 'near-tie'
                ? 0.5 + 1e-7 * u[i]!
                : 1e-6 * u[i]!,
          );
          expectArgmaxTiesAside(new LabelMapper(k, h, w, 1).run(masks, oh, ow), masks, k, h, w, oh, ow, 1);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rejects non-finite masks and impossible label ranges, naming the slot', () => {
    const masks = new Float32Array(2 * 2 * 2);
    masks[5] = Number.NaN;
    expect(() => new LabelMapper(2, 2, 2, 1).run(masks, 4, 4)).toThrow(
      /masks: value NaN in slot 1, grid cell 1/,
    );
    expect(() => new LabelMapper(256, 1, 1, 1)).toThrow(/must fit/);
  });
});

describe('oneHot', () => {
  it('inverts argmax of a one-hot map', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 40 }), (labels) => {
        const h = oneHot(labels, 5);
        expect(Array.from(argmaxSlots(h, 5))).toEqual(labels);
        let total = 0;
        for (const v of h) total += v;
        expect(total).toBe(labels.length);
      }),
    );
  });
  it('leaves background (label 0 with offset 1) all-zero', () => {
    expect(Array.from(oneHot([0, 1, 2], 2, 1))).toEqual([0, 1, 0, 0, 0, 1]);
  });
});
