import { describe, expect, it } from 'vitest';
import { expBackend, expInPlace, expInPlaceSum, expKernelBytes } from './expWasm.js';

describe('expInPlace', () => {
  it('runs on the WebAssembly SIMD kernel here', () => {
    expect(WebAssembly.validate(expKernelBytes())).toBe(true);
    expect(expBackend()).toBe('wasm-simd');
  });
  it('equals Math.exp within 1e-15 relative on [−708.3, 709], at offsets, odd lengths and across chunks', () => {
    const n = 20001;
    const x = new Float64Array(n + 3);
    for (let i = 0; i < n; i++) x[i + 2] = -708.3 + (i / (n - 1)) * (709 + 708.3);
    x[0] = 12345;
    x[n + 2] = 54321;
    const want = Array.from(x, Math.exp);
    expInPlace(x, 2, n);
    expect(x[0]).toBe(12345);
    expect(x[n + 2]).toBe(54321);
    let worst = 0;
    for (let i = 2; i < n + 2; i++) worst = Math.max(worst, Math.abs(x[i]! - want[i]!) / want[i]!);
    expect(worst).toBeLessThanOrEqual(1e-15);
  });
  it('is exact at 0, accurate near 0 and for softmax-range values, 0 below −708.3, ∞ above 709, NaN for NaN', () => {
    const x = Float64Array.from([
      0,
      1e-300,
      -1e-17,
      1,
      -1,
      -30.5,
      -745.2,
      -Infinity,
      709.5,
      Infinity,
      NaN,
      2,
      3,
      4,
      5,
      6,
    ]);
    const want = Array.from(x, Math.exp);
    expInPlace(x);
    expect(x[0]).toBe(1);
    for (const i of [1, 2, 3, 4, 5, 11, 12, 13, 14, 15])
      expect(Math.abs(x[i]! - want[i]!) / want[i]!).toBeLessThanOrEqual(1e-15);
    expect(x[6]).toBe(0);
    expect(x[7]).toBe(0);
    expect(x[8]).toBe(Number.POSITIVE_INFINITY);
    expect(x[9]).toBe(Number.POSITIVE_INFINITY);
    expect(x[10]).toBeNaN();
  });
  it('uses Math.exp for short arrays', () => {
    const x = Float64Array.from([0.5, -2, 3]);
    expInPlace(x);
    expect(Array.from(x)).toEqual([Math.exp(0.5), Math.exp(-2), Math.exp(3)]);
  });
});

describe('expInPlaceSum', () => {
  it('exponentiates like expInPlace and returns the sum within n·2⁻⁵³ relative, the bound of any order (short, odd, across chunks)', () => {
    for (const n of [5, 17, 8193, 20001]) {
      const x = Float64Array.from({ length: n + 2 }, (_, i) => Math.sin(i * 0.37) * 30 - 5);
      const y = x.slice();
      const sum = expInPlaceSum(x, 1, n);
      expInPlace(y, 1, n);
      expect(x).toEqual(y);
      let want = 0;
      for (let i = 1; i <= n; i++) want += y[i]!;
      expect(Math.abs(sum - want)).toBeLessThanOrEqual(n * 2 ** -53 * want);
    }
  });
});
