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
  let ib = 0;
  if (R === 4) {
    // Whole blocks of 4 rows: four read streams, contiguous writes (either layout of the source).
    for (; (ib + 1) * 4 <= rows; ib++) {
      const s0 = srcOffset + ib * 4 * rowStride;
      const s1 = s0 + rowStride;
      const s2 = s1 + rowStride;
      const s3 = s2 + rowStride;
      let d = dstOffset + ib * k * 4;
      for (let q = 0; q < k; q++) {
        const o = q * colStride;
        dst[d] = src[s0 + o]!;
        dst[d + 1] = src[s1 + o]!;
        dst[d + 2] = src[s2 + o]!;
        dst[d + 3] = src[s3 + o]!;
        d += 4;
      }
    }
  }
  // The remaining blocks (all of them when R ≠ 4): q steps, reading the block's rows of each.
  for (; ib < blocks; ib++) {
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
