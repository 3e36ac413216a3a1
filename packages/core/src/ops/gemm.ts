/**
 * Register-blocked dense products over raw arrays, the hot loops of the losses and CKA: float64
 * accumulation, no allocation, offsets and strides so that batched tensors and transposed operands
 * need no copies.
 *
 *   gemm:     C[i, j] (= or +=) α·Σ_q A[i, q]·B[j, q]   over strided views
 *             A[i, q] = a[aOffset + i·aRowStride + q·aColStride],  B[j, q] likewise;  C [m, n] row-major
 *   gemmNT:   A [m, k], B [n, k] row-major   (A·Bᵀ)
 *   gemmNN:   A [m, k], B [k, n] row-major   (A·B)
 *   gemmTN:   A [k, m], B [k, n] row-major   (Aᵀ·B)
 *   transpose: D[j, i] = S[i, j]              S [rows, cols], D [cols, rows]
 *
 * Products with m, n ≥ 4 and m·n·k ≥ 2¹¹ run on a WebAssembly SIMD kernel (gemmWasm.ts) where the
 * engine has it; otherwise, and for small products, {@link gemmScalar} walks 4×4 blocks of C with 16
 * scalar accumulators. Both sum each element over q in increasing order and then form α·s (c + α·s
 * when accumulating), so they agree exactly. (2¹¹: measured, an 8×8×32 product takes 0.6 µs on the
 * kernel and 1.0 µs on the scalar loops, 11×11×64 3.6 and 11.)
 */
import type { FloatArray } from '../tensor/Tensor.js';
import { wasmGemm } from './gemmWasm.js';

/** C (= or +=) α·A·Bᵀ over strided views (rule in the file header). `c` has row stride n. */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  aRowStride: number,
  aColStride: number,
  b: FloatArray,
  bOffset: number,
  bRowStride: number,
  bColStride: number,
  c: Float64Array,
  cOffset: number,
  alpha = 1,
  accumulate = false,
): void {
  if (
    m >= 4 &&
    n >= 4 &&
    m * n * k >= 1 << 11 &&
    wasmGemm(
      m,
      n,
      k,
      a,
      aOffset,
      aRowStride,
      aColStride,
      b,
      bOffset,
      bRowStride,
      bColStride,
      c,
      cOffset,
      alpha,
      accumulate,
    )
  ) {
    return;
  }
  gemmScalar(
    m,
    n,
    k,
    a,
    aOffset,
    aRowStride,
    aColStride,
    b,
    bOffset,
    bRowStride,
    bColStride,
    c,
    cOffset,
    alpha,
    accumulate,
  );
}

/** A·Bᵀ with A [m, k] and B [n, k] row-major (rule in the file header). `c` has row stride n. */
export function gemmNT(
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  b: FloatArray,
  bOffset: number,
  c: Float64Array,
  cOffset: number,
  alpha = 1,
  accumulate = false,
): void {
  gemm(m, n, k, a, aOffset, k, 1, b, bOffset, k, 1, c, cOffset, alpha, accumulate);
}

/** A·B with A [m, k] and B [k, n] row-major (rule in the file header). `c` has row stride n. */
export function gemmNN(
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  b: FloatArray,
  bOffset: number,
  c: Float64Array,
  cOffset: number,
  alpha = 1,
  accumulate = false,
): void {
  gemm(m, n, k, a, aOffset, k, 1, b, bOffset, 1, n, c, cOffset, alpha, accumulate);
}

/** Aᵀ·B with A [k, m] and B [k, n] row-major (rule in the file header). `c` has row stride n. */
export function gemmTN(
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  b: FloatArray,
  bOffset: number,
  c: Float64Array,
  cOffset: number,
  alpha = 1,
  accumulate = false,
): void {
  gemm(m, n, k, a, aOffset, 1, m, b, bOffset, 1, n, c, cOffset, alpha, accumulate);
}

/** The scalar path of {@link gemm} (same contract), used for small products and without WebAssembly. */
export function gemmScalar(
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  aRowStride: number,
  aColStride: number,
  b: FloatArray,
  bOffset: number,
  bRowStride: number,
  bColStride: number,
  c: Float64Array,
  cOffset: number,
  alpha = 1,
  accumulate = false,
): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  const as = aColStride;
  const bs = bColStride;
  for (let i = 0; i < m4; i += 4) {
    const a0 = aOffset + i * aRowStride;
    const a1 = a0 + aRowStride;
    const a2 = a1 + aRowStride;
    const a3 = a2 + aRowStride;
    for (let j = 0; j < n4; j += 4) {
      const b0 = bOffset + j * bRowStride;
      const b1 = b0 + bRowStride;
      const b2 = b1 + bRowStride;
      const b3 = b2 + bRowStride;
      let c00 = 0;
      let c01 = 0;
      let c02 = 0;
      let c03 = 0;
      let c10 = 0;
      let c11 = 0;
      let c12 = 0;
      let c13 = 0;
      let c20 = 0;
      let c21 = 0;
      let c22 = 0;
      let c23 = 0;
      let c30 = 0;
      let c31 = 0;
      let c32 = 0;
      let c33 = 0;
      for (let q = 0; q < k; q++) {
        const x0 = a[a0 + q * as]!;
        const x1 = a[a1 + q * as]!;
        const x2 = a[a2 + q * as]!;
        const x3 = a[a3 + q * as]!;
        const y0 = b[b0 + q * bs]!;
        const y1 = b[b1 + q * bs]!;
        const y2 = b[b2 + q * bs]!;
        const y3 = b[b3 + q * bs]!;
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
      }
      const o = cOffset + i * n + j;
      store4(c, o, alpha, accumulate, c00, c01, c02, c03);
      store4(c, o + n, alpha, accumulate, c10, c11, c12, c13);
      store4(c, o + 2 * n, alpha, accumulate, c20, c21, c22, c23);
      store4(c, o + 3 * n, alpha, accumulate, c30, c31, c32, c33);
    }
  }
  // Edges: the last m % 4 rows (all columns) and the last n % 4 columns (the blocked rows).
  for (let i = 0; i < m; i++) {
    for (let j = i < m4 ? n4 : 0; j < n; j++) {
      const ai = aOffset + i * aRowStride;
      const bj = bOffset + j * bRowStride;
      let s = 0;
      for (let q = 0; q < k; q++) s += a[ai + q * as]! * b[bj + q * bs]!;
      const o = cOffset + i * n + j;
      c[o] = accumulate ? c[o]! + alpha * s : alpha * s;
    }
  }
}

function store4(
  c: Float64Array,
  o: number,
  alpha: number,
  accumulate: boolean,
  v0: number,
  v1: number,
  v2: number,
  v3: number,
): void {
  if (accumulate) {
    c[o]! += alpha * v0;
    c[o + 1]! += alpha * v1;
    c[o + 2]! += alpha * v2;
    c[o + 3]! += alpha * v3;
  } else {
    c[o] = alpha * v0;
    c[o + 1] = alpha * v1;
    c[o + 2] = alpha * v2;
    c[o + 3] = alpha * v3;
  }
}

/** D[dOffset + j·rows + i] = S[sOffset + i·cols + j] (rule in the file header). */
export function transpose(
  s: FloatArray,
  sOffset: number,
  rows: number,
  cols: number,
  d: Float64Array,
  dOffset: number,
): void {
  for (let i = 0; i < rows; i++) {
    const si = sOffset + i * cols;
    for (let j = 0; j < cols; j++) d[dOffset + j * rows + i] = s[si + j]!;
  }
}
