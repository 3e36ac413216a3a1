import { describe, expect, it } from 'vitest';
import { gemmNT, transpose } from './gemm.js';

const seq = (n: number, seed: number) =>
  Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + seed) * 2);

describe('gemmNT', () => {
  it('equals the naive A·Bᵀ on every blocked/edge split, with α, offsets and accumulation', () => {
    for (const [m, n, k] of [
      [1, 1, 1],
      [4, 4, 3],
      [5, 7, 6],
      [9, 4, 1],
      [3, 10, 5],
    ] as const) {
      const a = seq(2 + m * k, 1);
      const b = seq(3 + n * k, 2);
      const c = seq(1 + m * n, 3);
      const before = c.slice();
      gemmNT(m, n, k, a, 2, b, 3, c, 1, 0.5, true);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let q = 0; q < k; q++) s += a[2 + i * k + q]! * b[3 + j * k + q]!;
          expect(c[1 + i * n + j]).toBeCloseTo(before[1 + i * n + j]! + 0.5 * s, 12);
        }
      }
      expect(c[0]).toBe(before[0]);
      gemmNT(m, n, k, a, 2, b, 3, c, 1);
      let s00 = 0;
      for (let q = 0; q < k; q++) s00 += a[2 + q]! * b[3 + q]!;
      expect(c[1]).toBeCloseTo(s00, 12);
    }
  });
});

describe('transpose', () => {
  it('swaps rows and columns', () => {
    const d = new Float64Array(7);
    transpose(Float32Array.from([9, 1, 2, 3, 4, 5, 6]), 1, 2, 3, d, 1);
    expect(Array.from(d)).toEqual([0, 1, 4, 2, 5, 3, 6]);
  });
});
