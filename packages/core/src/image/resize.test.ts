import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { bicubicTable, bilinearTable, cubicWeights } from './bicubicKernel.js';
import { resizeGolden } from './resize.golden.js';
import { resizeBicubic, resizeBilinear } from './resize.js';

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThan(tol);
}

describe('cubicWeights', () => {
  it('sums to 1 and interpolates the samples at t = 0', () => {
    expect(cubicWeights(0)).toEqual([0, 1, 0, 0]);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.999, noNaN: true }), (t) => {
        const w = cubicWeights(t);
        expect(Math.abs(w[0] + w[1] + w[2] + w[3] - 1)).toBeLessThan(1e-12);
      }),
    );
  });

  it('uses a = −0.75 (w₀ at t = ½ is a/8·… = −0.09375)', () => {
    const w = cubicWeights(0.5);
    expect(w[0]).toBeCloseTo(-0.09375, 12);
    expect(w[1]).toBeCloseTo(0.59375, 12);
  });
});

describe('resizeBicubic matches torch.nn.functional.interpolate(mode="bicubic", align_corners=False)', () => {
  it('upsamples 5×7 → 8×9', () => {
    expectClose(resizeBicubic(resizeGolden.src, 2, 5, 7, 8, 9), resizeGolden.up, 2e-5);
  });
  it('downsamples 5×7 → 3×4 (no antialias)', () => {
    expectClose(resizeBicubic(resizeGolden.src, 2, 5, 7, 3, 4), resizeGolden.down, 2e-5);
  });
  it('is the identity at the same size and keeps constants', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (h, w, oh, ow, v) => {
          const src = Float32Array.from({ length: h * w }, (_, i) => Math.sin(i));
          expectClose(resizeBicubic(src, 1, h, w, h, w), src, 1e-6);
          const flat = new Float32Array(h * w).fill(v);
          expectClose(resizeBicubic(flat, 1, h, w, oh, ow), new Float32Array(oh * ow).fill(v), 1e-5);
        },
      ),
      { numRuns: 50 },
    );
  });
  it('rejects data whose length does not match the dims', () => {
    expect(() => resizeBicubic(new Float32Array(5), 1, 2, 3, 4, 4)).toThrow(InputError);
    expect(() => resizeBicubic(new Float32Array(6), 1, 2, 3, 0, 4)).toThrow(/positive integer/);
  });
});

describe('resizeBilinear matches torch (mode="bilinear", align_corners=False)', () => {
  it('upsamples and downsamples', () => {
    expectClose(resizeBilinear(resizeGolden.src, 2, 5, 7, 8, 9), resizeGolden.bil_up, 2e-5);
    expectClose(resizeBilinear(resizeGolden.src, 2, 5, 7, 3, 4), resizeGolden.bil_down, 2e-5);
  });
  it('clamps the half-pixel source coordinate to the edges', () => {
    const t = bilinearTable(2, 8);
    expect(Array.from(t.index.subarray(0, 2))).toEqual([0, 1]);
    expect(t.weight[0]).toBe(1);
    expect(Array.from(t.index.subarray(14, 16))).toEqual([1, 1]);
    const b = bicubicTable(3, 7);
    for (const i of b.index) expect(i >= 0 && i <= 2).toBe(true);
  });
});
