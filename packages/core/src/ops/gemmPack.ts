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
import { get, I32, i32, moduleOf, set, simd, uleb, V128 } from './wasmAssembler.js';

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

/**
 * The WebAssembly SIMD packing kernels of 4-row panels (same rule as {@link packPanels}, whole blocks
 * only) for a source already copied into the kernel's memory as one contiguous span:
 *
 *   'rows'    (rows contiguous, X[i, q] at src + i·ld + q):  per block, two q steps of the four rows
 *             (four v128 loads) become four v128 stores by lane shuffles; an odd last q by f64 moves.
 *   'columns' (columns contiguous, X[i, q] at src + q·ld + i):  per block and q, the four values are
 *             already adjacent: two v128 moves.
 *
 * Params (i32): src, dst (byte addresses), blocks, k, ld (bytes between rows resp. columns).
 */
export function packKernelBytes(layout: 'rows' | 'columns'): Uint8Array<ArrayBuffer> {
  const add = [0x6a];
  const mul = [0x6c];
  const geS = [0x4e];
  const v128Load = (offset: number) => [...simd(0x00), 4, ...uleb(offset)];
  const v128Store = (offset: number) => [...simd(0x0b), 4, ...uleb(offset)];
  const f64Load = (offset: number) => [0x2b, 3, ...uleb(offset)];
  const f64Store = (offset: number) => [0x39, 3, ...uleb(offset)];
  const shuffle = (lanes: number[]) => [...simd(0x0d), ...lanes];
  const low = [...Array.from({ length: 8 }, (_, i) => i), ...Array.from({ length: 8 }, (_, i) => 16 + i)];
  const high = low.map((l) => l + 8);
  const blockLoop = [0x02, 0x40, 0x03, 0x40];
  const breakIfGe = (i: number, limit: number) => [...get(i), ...get(limit), ...geS, 0x0d, 1];
  const next = (i: number, step: number) => [...get(i), ...i32(step), ...add, ...set(i)];
  const nextBy = (i: number, step: number) => [...get(i), ...get(step), ...add, ...set(i)];
  const endBlockLoop = [0x0c, 0, 0x0b, 0x0b];
  const [SRC, DST, BLOCKS, K, LD] = [0, 1, 2, 3, 4];
  // i32 locals 5 ib, 6 q, 7–10 s0..s3, 11 d, 12 kEven; v128 locals 13–16
  const [IB, Q, S0, D, K_EVEN, V0] = [5, 6, 7, 11, 12, 13];
  const body: number[] = [...i32(0), ...set(IB), ...blockLoop, ...breakIfGe(IB, BLOCKS)];
  // d = dst + ib·k·32
  body.push(...get(DST), ...get(IB), ...get(K), ...mul, ...i32(32), ...mul, ...add, ...set(D));
  if (layout === 'rows') {
    body.push(...get(K), ...i32(-2), 0x71, ...set(K_EVEN)); // k & ~1
    body.push(...get(SRC), ...get(IB), ...i32(4), ...mul, ...get(LD), ...mul, ...add, ...set(S0));
    for (let r = 1; r < 4; r++) body.push(...get(S0 + r - 1), ...get(LD), ...add, ...set(S0 + r));
    body.push(...i32(0), ...set(Q), ...blockLoop, ...breakIfGe(Q, K_EVEN));
    for (let r = 0; r < 4; r++) body.push(...get(S0 + r), ...v128Load(0), ...set(V0 + r));
    const pair = (x: number, y: number, lanes: number[], offset: number) => [
      ...get(D),
      ...get(V0 + x),
      ...get(V0 + y),
      ...shuffle(lanes),
      ...v128Store(offset),
    ];
    body.push(
      ...pair(0, 1, low, 0),
      ...pair(2, 3, low, 16),
      ...pair(0, 1, high, 32),
      ...pair(2, 3, high, 48),
    );
    for (let r = 0; r < 4; r++) body.push(...next(S0 + r, 16));
    body.push(...next(D, 64), ...next(Q, 2), ...endBlockLoop);
    // odd k: the last q step value by value
    body.push(...get(Q), ...get(K), 0x48, 0x04, 0x40); // if q < k
    for (let r = 0; r < 4; r++) body.push(...get(D), ...get(S0 + r), ...f64Load(0), ...f64Store(8 * r));
    body.push(0x0b);
  } else {
    body.push(...get(SRC), ...get(IB), ...i32(32), ...mul, ...add, ...set(S0));
    body.push(...i32(0), ...set(Q), ...blockLoop, ...breakIfGe(Q, K));
    body.push(...get(D), ...get(S0), ...v128Load(0), ...v128Store(0));
    body.push(...get(D), ...get(S0), ...v128Load(16), ...v128Store(16));
    body.push(...nextBy(S0, LD), ...next(D, 32), ...next(Q, 1), ...endBlockLoop);
  }
  body.push(...next(IB, 1), ...endBlockLoop);
  return moduleOf(
    'pack',
    5,
    [
      [8, I32],
      [4, V128],
    ],
    body,
  );
}
