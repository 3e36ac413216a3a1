import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from './adjustedRandIndex.js';
import { createObjectMetricsAccumulator } from './objectMetricsAccumulator.js';

/** FG-ARI of one frame given flat GT and prediction labels (all GT labels shifted to be objects). */
function ari(gt: number[], pred: number[]): number {
  const acc = createObjectMetricsAccumulator();
  acc.addFrame(
    Int32Array.from(gt, (v) => v + 1),
    Int32Array.from(pred),
    gt.length,
    1,
  );
  return acc.result().video_fg_ari;
}

describe('adjustedRandIndex', () => {
  it('gives the hand-checked values of METHODS.md', () => {
    expect(ari([0, 0, 1, 1], [0, 0, 1, 1])).toBe(1);
    expect(ari([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
    expect(ari([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.571428571, 9);
    expect(ari([0, 0, 1, 1], [0, 1, 2, 3])).toBe(0);
    expect(ari([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 12);
  });

  it('is 1 when M − E = 0 (single cluster on both sides)', () => {
    expect(adjustedRandIndex([5], 1, 1)).toBe(1);
  });
});

const labelPairs = fc
  .integer({ min: 2, max: 40 })
  .chain((n) =>
    fc.tuple(
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }),
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }),
    ),
  );

function metrics(gt: number[], pred: number[]) {
  const acc = createObjectMetricsAccumulator();
  const half = Math.floor(gt.length / 2);
  // Two frames of a 1-pixel-high video, so video and image variants both run.
  acc.addFrame(Int32Array.from(gt.slice(0, half)), Int32Array.from(pred.slice(0, half)), half, 1);
  acc.addFrame(
    Int32Array.from(gt.slice(half, 2 * half)),
    Int32Array.from(pred.slice(half, 2 * half)),
    half,
    1,
  );
  return acc.result();
}

describe('object metrics properties', () => {
  it('FG-ARI and mBO are unchanged under relabelling of predictions', () => {
    fc.assert(
      fc.property(
        labelPairs,
        fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }),
        ([gt, pred], perm) => {
          const a = metrics(gt, pred);
          const b = metrics(
            gt,
            pred.map((p) => perm[p]!),
          );
          for (const k of ['video_fg_ari', 'image_fg_ari', 'video_mbo', 'image_mbo', 'video_miou'] as const) {
            if (Number.isNaN(a[k])) expect(b[k]).toBeNaN();
            else expect(b[k]).toBeCloseTo(a[k], 12);
          }
        },
      ),
    );
  });

  it('ARI is symmetric on all-foreground labels', () => {
    fc.assert(
      fc.property(labelPairs, ([gt, pred]) => {
        expect(ari(gt, pred)).toBeCloseTo(ari(pred, gt), 12);
      }),
    );
  });

  it('perfect prediction gives 1 and values stay in range', () => {
    fc.assert(
      fc.property(labelPairs, ([gt, pred]) => {
        const perfect = metrics(gt, gt);
        if (!Number.isNaN(perfect.video_mbo)) {
          expect(perfect.video_fg_ari).toBe(1);
          expect(perfect.video_mbo).toBe(1);
          expect(perfect.video_miou).toBe(1);
        }
        const m = metrics(gt, pred);
        for (const k of ['video_mbo', 'image_mbo', 'video_miou'] as const) {
          if (!Number.isNaN(m[k])) {
            expect(m[k]).toBeGreaterThanOrEqual(0);
            expect(m[k]).toBeLessThanOrEqual(1);
          }
        }
        if (!Number.isNaN(m.video_fg_ari)) expect(m.video_fg_ari).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });

  it('names the argument at fault', () => {
    const acc = createObjectMetricsAccumulator();
    expect(() => acc.addFrame(new Uint8Array(3), new Uint8Array(4), 2, 2)).toThrow(
      /^gt: has 3 labels, expected 2×2 = 4/,
    );
  });
});
