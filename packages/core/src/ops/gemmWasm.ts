/**
 * The WebAssembly SIMD kernel behind {@link gemm} for large products: C (= or +=) α·A·Bᵀ over
 * register blocks of {@link BLOCK_ROWS} rows × 4 columns of C, each C element an f64 sum over q in
 * increasing order (the same order as the scalar path, so both give identical results), two f64
 * lanes per instruction.
 *
 * The module (≈ 500 bytes) is assembled here from its instructions — no binary blob, no build step —
 * and compiled synchronously on first use (small enough for every engine's synchronous-compile
 * limit). Operands are packed into the module's own memory (A as [blocks][k][R] panels, B as
 * [blocks][k][4], zero-padded; gemmPack.ts): a view with contiguous rows or columns is copied in as
 * one span and rearranged by gemmPack's SIMD packing kernels (instantiated on the same memory),
 * any other view by its JS loop. The memory grows as needed and is kept for later calls.
 * Where WebAssembly SIMD is unavailable (or memory cannot grow), {@link wasmGemm} returns false and
 * the caller uses the scalar loops.
 *
 * Kernel (params mb, nb, k, aPtr, bPtr, cPtr, cStride in bytes, accumulate, α; R = BLOCK_ROWS):
 *   for ib < mb, jb < nb: acc[r][0..1] = 0 (r < R, two f64x2 per row)
 *     for q < k: (b0 b1), (b2 b3) = B[jb][q][0..3];  x_r = splat A[ib][q][r]
 *                acc[r][0] += x_r·(b0 b1);  acc[r][1] += x_r·(b2 b3)
 *     C[R·ib + r][4·jb .. 4·jb + 3] = (accumulate ? C[…] : 0) + α·acc[r]   (no add when not accumulating)
 * R = 4 (measured on node 20 / x64, kernel alone, 2-core AMD EPYC): 4 × 4 reaches ≈ 10.5 GMAC/s;
 * 3 rows 10, 2 rows 8.7; 5, 6 and 8 rows 5.5–6 (V8 spills beyond ≈ 12 live SIMD values); unrolling q
 * by 2 or 4, 6.5–7; loading each splat twice instead of keeping it, 5.
 */
import type { FloatArray } from '../tensor/Tensor.js';
import { packKernelBytes, packPanels } from './gemmPack.js';
import { F64, get, I32, i32, instantiateKernels, moduleOf, set, simd, uleb, V128 } from './wasmAssembler.js';

/** Rows of A (and of C) per register block of the kernel (the packing kernels make 4-row panels). */
export const BLOCK_ROWS = 4;
/** Columns of B (and of C) per register block of the kernel. */
export const BLOCK_COLS = 4;

/** The kernel's module bytes for blocks of `rows` × 4 (see the file header for what it computes). */
export function gemmKernelBytes(rows: number = BLOCK_ROWS): Uint8Array<ArrayBuffer> {
  const add = [0x6a];
  const mul = [0x6c];
  const geS = [0x4e];
  const v128Load = (offset: number) => [...simd(0x00), 4, ...uleb(offset)];
  const v128Load64Splat = (offset: number) => [...simd(0x0a), 3, ...uleb(offset)];
  const v128Store = (offset: number) => [...simd(0x0b), 4, ...uleb(offset)];
  const f64x2Splat = simd(0x14);
  const f64x2Add = simd(0xf0);
  const f64x2Mul = simd(0xf2);
  const v128Zero = [...simd(0x0c), ...new Array<number>(16).fill(0)];
  const blockLoop = [0x02, 0x40, 0x03, 0x40];
  const breakIfGe = (i: number, limit: number) => [...get(i), ...get(limit), ...geS, 0x0d, 1];
  const next = (i: number, step: number) => [...get(i), ...i32(step), ...add, ...set(i)];
  const endBlockLoop = [0x0c, 0, 0x0b, 0x0b];
  const panelA = rows * 8; // bytes of one q step of an A panel
  // params 0 mb, 1 nb, 2 k, 3 aPtr, 4 bPtr, 5 cPtr, 6 cStride, 7 accumulate, 8 α (f64);
  // i32 locals 9 ib, 10 jb, 11 q, 12 pa, 13 pb, 14 crow; v128 locals: accumulators of row r at
  // 15 + 2r, 16 + 2r, then b01, b23, x, αv.
  const MB = 0;
  const NB = 1;
  const K = 2;
  const A_PTR = 3;
  const B_PTR = 4;
  const C_PTR = 5;
  const C_STRIDE = 6;
  const ACCUMULATE = 7;
  const ALPHA = 8;
  const IB = 9;
  const JB = 10;
  const Q = 11;
  const PA = 12;
  const PB = 13;
  const CROW = 14;
  const ACC = 15;
  const B01 = ACC + 2 * rows;
  const B23 = B01 + 1;
  const X = B23 + 1;
  const ALPHA_V = X + 1;
  const body: number[] = [...get(ALPHA), ...f64x2Splat, ...set(ALPHA_V)];
  body.push(...i32(0), ...set(IB), ...blockLoop, ...breakIfGe(IB, MB), ...i32(0), ...set(JB));
  body.push(...blockLoop, ...breakIfGe(JB, NB));
  for (let acc = ACC; acc < B01; acc++) body.push(...v128Zero, ...set(acc));
  body.push(...get(A_PTR), ...get(IB), ...get(K), ...mul, ...i32(panelA), ...mul, ...add, ...set(PA));
  body.push(...get(B_PTR), ...get(JB), ...get(K), ...mul, ...i32(32), ...mul, ...add, ...set(PB));
  body.push(...i32(0), ...set(Q), ...blockLoop, ...breakIfGe(Q, K));
  body.push(...get(PB), ...v128Load(0), ...set(B01), ...get(PB), ...v128Load(16), ...set(B23));
  for (let r = 0; r < rows; r++) {
    const a0 = ACC + 2 * r;
    body.push(...get(PA), ...v128Load64Splat(8 * r), ...set(X));
    body.push(...get(a0), ...get(X), ...get(B01), ...f64x2Mul, ...f64x2Add, ...set(a0));
    body.push(...get(a0 + 1), ...get(X), ...get(B23), ...f64x2Mul, ...f64x2Add, ...set(a0 + 1));
  }
  body.push(...next(PA, panelA), ...next(PB, 32), ...next(Q, 1), ...endBlockLoop);
  // crow = cPtr + ib·rows·cStride + jb·32
  body.push(...get(C_PTR), ...get(IB), ...i32(rows), ...mul, ...get(C_STRIDE), ...mul, ...add);
  body.push(...get(JB), ...i32(32), ...mul, ...add, ...set(CROW));
  // Row by row: acc·α, plus the stored C when accumulating (c + α·s, as the scalar path), stored.
  for (let r = 0; r < rows; r++) {
    const a0 = ACC + 2 * r;
    const a1 = a0 + 1;
    body.push(...get(a0), ...get(ALPHA_V), ...f64x2Mul, ...set(a0));
    body.push(...get(a1), ...get(ALPHA_V), ...f64x2Mul, ...set(a1));
    body.push(...get(ACCUMULATE), 0x04, 0x40); // if
    body.push(...get(CROW), ...v128Load(0), ...get(a0), ...f64x2Add, ...set(a0));
    body.push(...get(CROW), ...v128Load(16), ...get(a1), ...f64x2Add, ...set(a1));
    body.push(0x0b);
    body.push(...get(CROW), ...get(a0), ...v128Store(0), ...get(CROW), ...get(a1), ...v128Store(16));
    body.push(...get(CROW), ...get(C_STRIDE), ...add, ...set(CROW));
  }
  body.push(...next(JB, 1), ...endBlockLoop, ...next(IB, 1), ...endBlockLoop);
  return moduleOf(
    'gemm',
    [I32, I32, I32, I32, I32, I32, I32, I32, F64],
    [
      [6, I32],
      [2 * rows + 4, V128],
    ],
    body,
  );
}

interface Kernel {
  readonly memory: WebAssembly.Memory;
  readonly gemm: (
    mb: number,
    nb: number,
    k: number,
    a: number,
    b: number,
    c: number,
    stride: number,
    accumulate: number,
    alpha: number,
  ) => void;
  /** The packing kernels of gemmPack.ts on the same memory: (src, dst, blocks, k, ld bytes). */
  readonly packRows: (src: number, dst: number, blocks: number, k: number, ld: number) => void;
  readonly packColumns: (src: number, dst: number, blocks: number, k: number, ld: number) => void;
}

let kernel: Kernel | null | undefined;

function load(): Kernel | null {
  if (kernel === undefined) {
    const k = instantiateKernels(
      () => [gemmKernelBytes(), packKernelBytes('rows'), packKernelBytes('columns')],
      1,
    );
    kernel = k && {
      memory: k.memory,
      gemm: k.exports[0]!.gemm as Kernel['gemm'],
      packRows: k.exports[1]!.pack as Kernel['packRows'],
      packColumns: k.exports[2]!.pack as Kernel['packColumns'],
    };
  }
  return kernel;
}

let view: Float64Array | undefined;

/** A float64 view of the kernel's memory, made again only after the memory grew (its buffer changes). */
function memoryView(kern: Kernel): Float64Array {
  if (view === undefined || view.buffer !== kern.memory.buffer) view = new Float64Array(kern.memory.buffer);
  return view;
}

/** Which implementation large {@link gemm} products use here: `'wasm-simd'` or `'js'`. */
export function gemmBackend(): 'wasm-simd' | 'js' {
  return load() === null ? 'js' : 'wasm-simd';
}

/**
 * Values of the source to copy into the kernel's memory for packing a rows × k view on the packing
 * kernels (its whole 4-row blocks; a contiguous span), or 0 when the view has neither contiguous rows
 * nor contiguous columns (then packPanels packs it from the source).
 */
function rawSpan(rows: number, k: number, rowStride: number, colStride: number): number {
  const whole = rows - (rows % 4);
  if (whole === 0) return 0;
  if (colStride === 1) return (whole - 1) * rowStride + k;
  if (rowStride === 1) return (k - 1) * colStride + whole;
  return 0;
}

/**
 * Pack a rows × k strided view into 4-row panels at f[dst…] (packPanels' rule): the whole blocks by
 * copying the source span to f[raw…] and running a packing kernel, the rest with packPanels.
 */
function packOperand(
  kern: Kernel,
  f: Float64Array,
  dst: number,
  rows: number,
  k: number,
  src: FloatArray,
  srcOffset: number,
  rowStride: number,
  colStride: number,
  raw: number,
): void {
  const span = rawSpan(rows, k, rowStride, colStride);
  if (span === 0) {
    packPanels(f, dst, rows, k, 4, src, srcOffset, rowStride, colStride);
    return;
  }
  const blocks = Math.floor(rows / 4);
  f.set(src.subarray(srcOffset, srcOffset + span), raw);
  if (colStride === 1) kern.packRows(raw * 8, dst * 8, blocks, k, rowStride * 8);
  else kern.packColumns(raw * 8, dst * 8, blocks, k, colStride * 8);
  if (rows % 4 !== 0) {
    const done = blocks * 4;
    packPanels(
      f,
      dst + blocks * k * 4,
      rows - done,
      k,
      4,
      src,
      srcOffset + done * rowStride,
      rowStride,
      colStride,
    );
  }
}

/**
 * C[i, j] (= or +=) α·Σ_q A[i, q]·B[j, q] on the SIMD kernel, for strided views A[i, q] =
 * a[aOffset + i·aRowStride + q·aColStride] and B[j, q] likewise (rule in the file header; C
 * row-major with row stride n); false when the kernel is unavailable, so the caller computes it itself.
 */
export function wasmGemm(
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
  alpha: number,
  accumulate: boolean,
): boolean {
  const kern = load();
  if (kern === null) return false;
  const R = BLOCK_ROWS;
  const mb = Math.ceil(m / R);
  const nb = Math.ceil(n / BLOCK_COLS);
  const np = nb * BLOCK_COLS;
  // A·Aᵀ (the same view twice): only the blocks that reach the diagonal or beyond are computed; the
  // rest is their mirror image, bit for bit (each element's sum has the same terms in the same order
  // either way). The mirror needs the bare sums, so α and accumulation are applied while copying out.
  // With square blocks the B panels are the A panels.
  const gram =
    a === b && aOffset === bOffset && aRowStride === bRowStride && aColStride === bColStride && m === n;
  const sharedPanels = gram && R === BLOCK_COLS;
  const aLength = mb * k * R;
  const bLength = sharedPanels ? 0 : nb * k * BLOCK_COLS;
  const cBase = aLength + bLength;
  const raw = cBase + mb * R * np;
  const rawLength = Math.max(
    rawSpan(m, k, aRowStride, aColStride),
    sharedPanels ? 0 : rawSpan(n, k, bRowStride, bColStride),
  );
  const need = (raw + rawLength) * 8;
  const have = kern.memory.buffer.byteLength;
  if (have < need) {
    try {
      kern.memory.grow(Math.ceil((need - have) / 65536));
    } catch {
      return false;
    }
  }
  const f = memoryView(kern);
  packOperand(kern, f, 0, m, k, a, aOffset, aRowStride, aColStride, raw);
  if (!sharedPanels) packOperand(kern, f, aLength, n, k, b, bOffset, bRowStride, bColStride, raw);
  const bBase = sharedPanels ? 0 : aLength;
  const stride = np * 8;
  if (gram) {
    for (let ib = 0; ib < mb; ib++) {
      const jb0 = Math.floor((ib * R) / BLOCK_COLS);
      kern.gemm(
        1,
        nb - jb0,
        k,
        ib * k * R * 8,
        (bBase + jb0 * k * BLOCK_COLS) * 8,
        (cBase + ib * R * np + jb0 * BLOCK_COLS) * 8,
        stride,
        0,
        1,
      );
    }
    for (let i = 0; i < m; i++) {
      const row = cBase + i * np;
      for (let j = 0; j < i; j++) f[row + j] = f[cBase + j * np + i]!;
    }
    for (let i = 0; i < m; i++) {
      const src = cBase + i * np;
      const dst = cOffset + i * n;
      if (accumulate) for (let j = 0; j < n; j++) c[dst + j]! += alpha * f[src + j]!;
      else for (let j = 0; j < n; j++) c[dst + j] = alpha * f[src + j]!;
    }
    return true;
  }
  if (accumulate) {
    if (np === n) f.set(c.subarray(cOffset, cOffset + m * n), cBase);
    else
      for (let i = 0; i < m; i++) f.set(c.subarray(cOffset + i * n, cOffset + (i + 1) * n), cBase + i * np);
  }
  kern.gemm(mb, nb, k, 0, bBase * 8, cBase * 8, stride, accumulate ? 1 : 0, alpha);
  if (np === n) c.set(f.subarray(cBase, cBase + m * n), cOffset);
  else for (let i = 0; i < m; i++) c.set(f.subarray(cBase + i * np, cBase + i * np + n), cOffset + i * n);
  return true;
}
