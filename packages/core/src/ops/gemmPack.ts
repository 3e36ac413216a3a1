/**
 * Packing of a matrix operand of the gemm kernel (gemmWasm.ts) into register-block panels: the
 * operand is any strided view X[i, q] = src[srcOffset + i·rowStride + q·colStride] of `rows` × k
 * values (a row-major matrix: rowStride = k, colStride = 1; its transpose: rowStride = 1, colStride =
 * rows), written as
 *
 *   dst[dstOffset + (⌊i/R⌋·k + q)·R + i mod R] = X[i, q]      for i < rows, q < k
 *
 * with the rows past `rows` (up to a multiple of R) zero, so that the kernel reads R values of one q
 * step contiguously. Values are widened to float64 exactly.
 */
import type { FloatArray } from '../tensor/Tensor.js';

/** Pack `rows` × `k` values of a strided view into panels of `blockRows` (rule in the file header). */
export function packPanels(
  dst: Float64Array,
  dstOffset: number,
  rows: number,
  k: number,
  blockRows: number,
  src: FloatArray,
  srcOffset: number,
  rowStride: number,
  colStride: number,
): void {
  const R = blockRows;
  const blocks = Math.ceil(rows / R);
  if (rows % R !== 0) dst.fill(0, dstOffset + (blocks - 1) * k * R, dstOffset + blocks * k * R);
  if (colStride === 1) {
    // Rows contiguous in the source: walk each row, writing every R-th value.
    for (let i = 0; i < rows; i++) {
      const s = srcOffset + i * rowStride;
      const d = dstOffset + Math.floor(i / R) * k * R + (i % R);
      for (let q = 0; q < k; q++) dst[d + q * R] = src[s + q]!;
    }
    return;
  }
  // Otherwise walk q steps, reading the (strided) block rows of each.
  for (let ib = 0; ib < blocks; ib++) {
    const i0 = ib * R;
    const h = Math.min(R, rows - i0);
    let d = dstOffset + ib * k * R;
    for (let q = 0; q < k; q++) {
      const s = srcOffset + i0 * rowStride + q * colStride;
      for (let r = 0; r < h; r++) dst[d + r] = src[s + r * rowStride]!;
      d += R;
    }
  }
}
