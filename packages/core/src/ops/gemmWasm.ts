/**
 * The WebAssembly SIMD kernel behind {@link gemmNT} for large products: C = A·Bᵀ over 4×4 blocks,
 * each C element an f64 sum over q in increasing order (the same order as the scalar path, so both
 * give identical results), two f64 lanes per instruction.
 *
 * The module (≈ 400 bytes) is assembled here from its instructions — no binary blob, no build step —
 * and compiled synchronously on first use (small enough for every engine's synchronous-compile
 * limit). Operands are packed into the module's own memory (A and B as [blocks][k][4] panels,
 * zero-padded to multiples of 4), which grows as needed and is kept for later calls. Where
 * WebAssembly SIMD is unavailable (or memory cannot grow), {@link wasmGemmNT} returns false and
 * the caller uses the scalar loops.
 *
 * Kernel (params mb, nb, k, aPtr, bPtr, cPtr, cStride in bytes):
 *   for ib < mb, jb < nb: acc[r][0..1] = 0 (r < 4, two f64x2 per row)
 *     for q < k: (b0 b1), (b2 b3) = B[jb][q][0..3];  x_r = splat A[ib][q][r]
 *                acc[r][0] += x_r·(b0 b1);  acc[r][1] += x_r·(b2 b3)
 *     C[4·ib + r][4·jb .. 4·jb + 3] = acc[r]
 */
import type { FloatArray } from '../tensor/Tensor.js';
import { get, I32, i32, moduleOf, set, simd, uleb, V128 } from './wasmAssembler.js';

/** The kernel's module bytes (see the file header for what it computes). */
export function gemmKernelBytes(): Uint8Array<ArrayBuffer> {
  const add = [0x6a];
  const mul = [0x6c];
  const geS = [0x4e];
  const v128Load = (offset: number) => [...simd(0x00), 4, ...uleb(offset)];
  const v128Load64Splat = (offset: number) => [...simd(0x0a), 3, ...uleb(offset)];
  const v128Store = (offset: number) => [...simd(0x0b), 4, ...uleb(offset)];
  const f64x2Add = simd(0xf0);
  const f64x2Mul = simd(0xf2);
  const v128Zero = [...simd(0x0c), ...new Array<number>(16).fill(0)];
  const blockLoop = [0x02, 0x40, 0x03, 0x40];
  const breakIfGe = (i: number, limit: number) => [...get(i), ...get(limit), ...geS, 0x0d, 1];
  const next = (i: number, step: number) => [...get(i), ...i32(step), ...add, ...set(i)];
  const endBlockLoop = [0x0c, 0, 0x0b, 0x0b];
  // params 0 mb, 1 nb, 2 k, 3 aPtr, 4 bPtr, 5 cPtr, 6 cStride; i32 locals 7 ib, 8 jb, 9 q, 10 pa,
  // 11 pb, 12 crow; v128 locals 13–20 accumulators (row r: 13 + 2r, 14 + 2r), 21 b01, 22 b23, 23 x.
  const body: number[] = [
    ...i32(0),
    ...set(7),
    ...blockLoop,
    ...breakIfGe(7, 0),
    ...i32(0),
    ...set(8),
    ...blockLoop,
    ...breakIfGe(8, 1),
  ];
  for (let acc = 13; acc <= 20; acc++) body.push(...v128Zero, ...set(acc));
  body.push(...get(3), ...get(7), ...get(2), ...mul, ...i32(32), ...mul, ...add, ...set(10));
  body.push(...get(4), ...get(8), ...get(2), ...mul, ...i32(32), ...mul, ...add, ...set(11));
  body.push(...i32(0), ...set(9), ...blockLoop, ...breakIfGe(9, 2));
  body.push(...get(11), ...v128Load(0), ...set(21), ...get(11), ...v128Load(16), ...set(22));
  for (let r = 0; r < 4; r++) {
    body.push(...get(10), ...v128Load64Splat(8 * r), ...set(23));
    body.push(...get(13 + 2 * r), ...get(23), ...get(21), ...f64x2Mul, ...f64x2Add, ...set(13 + 2 * r));
    body.push(...get(14 + 2 * r), ...get(23), ...get(22), ...f64x2Mul, ...f64x2Add, ...set(14 + 2 * r));
  }
  body.push(...next(10, 32), ...next(11, 32), ...next(9, 1), ...endBlockLoop);
  body.push(
    ...get(5),
    ...get(7),
    ...i32(4),
    ...mul,
    ...get(6),
    ...mul,
    ...add,
    ...get(8),
    ...i32(32),
    ...mul,
    ...add,
  );
  body.push(...set(12));
  for (let r = 0; r < 4; r++) {
    body.push(
      ...get(12),
      ...get(13 + 2 * r),
      ...v128Store(0),
      ...get(12),
      ...get(14 + 2 * r),
      ...v128Store(16),
    );
    body.push(...get(12), ...get(6), ...add, ...set(12));
  }
  body.push(...next(8, 1), ...endBlockLoop, ...next(7, 1), ...endBlockLoop);
  return moduleOf(
    'gemm',
    7,
    [
      [6, I32],
      [11, V128],
    ],
    body,
  );
}

interface Kernel {
  readonly memory: WebAssembly.Memory;
  readonly gemm: (mb: number, nb: number, k: number, a: number, b: number, c: number, stride: number) => void;
}

let kernel: Kernel | null | undefined;

function load(): Kernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  try {
    const bytes = gemmKernelBytes();
    if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      kernel = { memory, gemm: instance.exports.gemm as Kernel['gemm'] };
    }
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Which implementation large {@link gemmNT} products use here: `'wasm-simd'` or `'js'`. */
export function gemmBackend(): 'wasm-simd' | 'js' {
  return load() === null ? 'js' : 'wasm-simd';
}

/**
 * C[i, j] (= or +=) α·Σ_q A[i, q]·B[j, q] on the SIMD kernel (rule in the file header); false when the
 * kernel is unavailable, so the caller computes it itself.
 */
export function wasmGemmNT(
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  b: FloatArray,
  bOffset: number,
  c: Float64Array,
  cOffset: number,
  alpha: number,
  accumulate: boolean,
): boolean {
  const kern = load();
  if (kern === null) return false;
  const mb = Math.ceil(m / 4);
  const nb = Math.ceil(n / 4);
  const np = nb * 4;
  // A·Aᵀ (the same rows twice): one panel set, and only the blocks on and above the diagonal are
  // computed; the rest is their mirror image, bit for bit (each element's sum has the same terms in
  // the same order either way).
  const gram = a === b && aOffset === bOffset && m === n;
  const aBytes = mb * k * 32;
  const bBytes = gram ? 0 : nb * k * 32;
  const need = aBytes + bBytes + mb * 4 * np * 8;
  const have = kern.memory.buffer.byteLength;
  if (have < need) {
    try {
      kern.memory.grow(Math.ceil((need - have) / 65536));
    } catch {
      return false;
    }
  }
  const f = new Float64Array(kern.memory.buffer);
  // Panels [block][q][4]; rows past the end are zero.
  if (m % 4 !== 0) f.fill(0, (mb - 1) * k * 4, mb * k * 4);
  for (let i = 0; i < m; i++) {
    const src = aOffset + i * k;
    const dst = (i >> 2) * k * 4 + (i & 3);
    for (let q = 0; q < k; q++) f[dst + 4 * q] = a[src + q]!;
  }
  const bBase = aBytes / 8;
  if (!gram) {
    if (n % 4 !== 0) f.fill(0, bBase + (nb - 1) * k * 4, bBase + nb * k * 4);
    for (let j = 0; j < n; j++) {
      const src = bOffset + j * k;
      const dst = bBase + (j >> 2) * k * 4 + (j & 3);
      for (let q = 0; q < k; q++) f[dst + 4 * q] = b[src + q]!;
    }
  }
  const cBytes = aBytes + bBytes;
  const cBase = cBytes / 8;
  if (gram) {
    // Block row ib against block columns ib..nb−1.
    for (let ib = 0; ib < mb; ib++) {
      const panel = ib * k * 32;
      kern.gemm(1, nb - ib, k, panel, panel, cBytes + ib * 4 * np * 8 + ib * 32, np * 8);
    }
    for (let i = 0; i < m; i++) {
      const row = cBase + i * np;
      for (let j = 0; j < (i & ~3); j++) f[row + j] = f[cBase + j * np + i]!;
    }
  } else {
    kern.gemm(mb, nb, k, 0, aBytes, cBytes, np * 8);
  }
  for (let i = 0; i < m; i++) {
    const src = cBase + i * np;
    const dst = cOffset + i * n;
    if (accumulate) for (let j = 0; j < n; j++) c[dst + j]! += alpha * f[src + j]!;
    else if (alpha === 1) for (let j = 0; j < n; j++) c[dst + j] = f[src + j]!;
    else for (let j = 0; j < n; j++) c[dst + j] = alpha * f[src + j]!;
  }
  return true;
}
