import { describe, expect, it } from 'vitest';
import { gemm, gemmNN, gemmNT, gemmScalar, gemmTN, transpose } from './gemm.js';
import { packPanels } from './gemmPack.js';
import { gemmBackend, gemmKernelBytes, wasmGemm } from './gemmWasm.js';

/** A·Bᵀ of row-major A [m, k] and B [n, k] on the kernel / the scalar path. */
const wasmGemmNT = (
  m: number,
  n: number,
  k: number,
  a: Float64Array | Float32Array,
  ao: number,
  b: Float64Array | Float32Array,
  bo: number,
  c: Float64Array,
  co: number,
  alpha: number,
  acc: boolean,
) => wasmGemm(m, n, k, a, ao, k, 1, b, bo, k, 1, c, co, alpha, acc);
const gemmNTScalar = (
  m: number,
  n: number,
  k: number,
  a: Float64Array | Float32Array,
  ao: number,
  b: Float64Array | Float32Array,
  bo: number,
  c: Float64Array,
  co: number,
  alpha: number,
  acc: boolean,
) => gemmScalar(m, n, k, a, ao, k, 1, b, bo, k, 1, c, co, alpha, acc);

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

describe('gemmNN, gemmTN and strided gemm', () => {
  it('equal the naive A·B and Aᵀ·B (small and kernel sizes), and both paths agree exactly on strided views', () => {
    for (const [m, n, k] of [
      [3, 5, 2],
      [37, 21, 50],
      [64, 13, 70],
    ] as const) {
      const a = seq(4 + m * k, 9); // A [m, k] for NN; read as [k, m] for TN
      const b = seq(2 + k * n, 10); // B [k, n]
      const nn = new Float64Array(m * n);
      const tn = new Float64Array(m * n);
      gemmNN(m, n, k, a, 4, b, 2, nn, 0, 0.5);
      gemmTN(m, n, k, a, 4, b, 2, tn, 0, 0.5);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sNN = 0;
          let sTN = 0;
          for (let q = 0; q < k; q++) {
            sNN += a[4 + i * k + q]! * b[2 + q * n + j]!;
            sTN += a[4 + q * m + i]! * b[2 + q * n + j]!;
          }
          expect(nn[i * n + j]).toBe(0.5 * sNN);
          expect(tn[i * n + j]).toBe(0.5 * sTN);
        }
      }
      // An arbitrary strided view on both paths (accumulating into the same start values).
      const c1 = seq(m * n, 11);
      const c2 = c1.slice();
      const big = seq(3 * m * k + 3 * n * k + 10, 12);
      gemm(m, n, k, big, 1, 3, 3 * m, big, 3 * m * k + 5, 2 * k, 2, c1, 0, -0.3, true);
      gemmScalar(m, n, k, big, 1, 3, 3 * m, big, 3 * m * k + 5, 2 * k, 2, c2, 0, -0.3, true);
      expect(c1).toEqual(c2);
    }
  });
  it('has kernels of other block heights (2, 6 rows) that equal the scalar path exactly', () => {
    const [m, n, k] = [13, 10, 7];
    const a = seq(m * k, 13);
    const b = seq(n * k, 14);
    const expected = seq(m * n, 15);
    const start = expected.slice();
    gemmScalar(m, n, k, a, 0, k, 1, b, 0, k, 1, expected, 0, 0.25, true);
    for (const rows of [2, 6]) {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(gemmKernelBytes(rows)), {
        env: { memory },
      });
      const mb = Math.ceil(m / rows);
      const nb = Math.ceil(n / 4);
      const f = new Float64Array(memory.buffer);
      packPanels(f, 0, m, k, rows, a, 0, k, 1);
      packPanels(f, mb * rows * k, n, k, 4, b, 0, k, 1);
      const cBase = mb * rows * k + nb * 4 * k;
      for (let i = 0; i < m; i++) f.set(start.subarray(i * n, (i + 1) * n), cBase + i * nb * 4);
      (exports.gemm as (...args: number[]) => void)(
        mb,
        nb,
        k,
        0,
        mb * rows * k * 8,
        cBase * 8,
        nb * 32,
        1,
        0.25,
      );
      for (let i = 0; i < m; i++)
        expect(f.subarray(cBase + i * nb * 4, cBase + i * nb * 4 + n)).toEqual(
          expected.subarray(i * n, (i + 1) * n),
        );
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
