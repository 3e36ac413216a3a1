import { describe, expect, it } from 'vitest';
import { gemmNT, gemmNTScalar, transpose } from './gemm.js';
import { gemmBackend, wasmGemmNT } from './gemmWasm.js';

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

describe('gemmNT on the WebAssembly SIMD kernel', () => {
  it('is available here and equals the scalar path exactly (ragged sizes, offsets, α, accumulation)', () => {
    expect(gemmBackend()).toBe('wasm-simd');
    for (const [m, n, k] of [
      [4, 4, 1],
      [37, 21, 50],
      [64, 130, 33],
    ] as const) {
      const a = seq(5 + m * k, 4);
      const b = Float32Array.from(seq(2 + n * k, 5));
      const c1 = seq(3 + m * n, 6);
      const c2 = c1.slice();
      expect(wasmGemmNT(m, n, k, a, 5, b, 2, c1, 3, -0.7, true)).toBe(true);
      gemmNTScalar(m, n, k, a, 5, b, 2, c2, 3, -0.7, true);
      expect(c1).toEqual(c2);
      expect(wasmGemmNT(m, n, k, a, 5, b, 2, c1, 3, 1, false)).toBe(true);
      gemmNTScalar(m, n, k, a, 5, b, 2, c2, 3, 1, false);
      expect(c1).toEqual(c2);
    }
  });
  it('computes A·Aᵀ (same array, offset and size) from the upper blocks, equal to the scalar path exactly', () => {
    for (const [m, k] of [
      [4, 9],
      [37, 50],
      [64, 900],
    ] as const) {
      const a = seq(5 + m * k, 7);
      const c1 = seq(3 + m * m, 8);
      const c2 = c1.slice();
      expect(wasmGemmNT(m, m, k, a, 5, a, 5, c1, 3, 0.3, true)).toBe(true);
      gemmNTScalar(m, m, k, a, 5, a, 5, c2, 3, 0.3, true);
      expect(c1).toEqual(c2);
      expect(wasmGemmNT(m, m, k, a, 5, a, 5, c1, 3, 1, false)).toBe(true);
      gemmNTScalar(m, m, k, a, 5, a, 5, c2, 3, 1, false);
      expect(c1).toEqual(c2);
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
