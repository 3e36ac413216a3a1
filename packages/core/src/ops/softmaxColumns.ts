/**
 * Softmax over the rows of [rows, width] blocks at each column, and its backward pass — the softmax
 * over objects (DIST) or slots (SMTC) at every pixel or token, with the values of a column `width`
 * apart:
 *
 *   softmaxColumns:          out[b, r, c] = exp(s·x[b, r, c] − m) / Σ_r' exp(s·x[b, r', c] − m),
 *                            m = max_r s·x[b, r, c]  (s = scale, e.g. 1/τ)
 *   softmaxColumnsBackward:  out[b, r, c] = s·p[b, r, c]·(g[b, r, c] − Σ_r' p[b, r', c]·g[b, r', c])
 *
 * (the gradient of the logits x given p = softmaxColumns(x) and g = ∂L/∂p). Both run on WebAssembly
 * SIMD kernels (two columns per f64x2 lane pair, the forward one 2 pairs at a time so that 2
 * independent exp chains interleave; exp as ops' expInPlace, expWasm.ts's instructions) over a copy
 * of the blocks in the kernels' own memory (rows padded with zeros to a multiple of 4 values),
 * where torch's softmax is vectorised too; without WebAssembly SIMD they run as plain loops over
 * `Math.exp`.
 */
import type { FloatArray } from '../tensor/Tensor.js';
import { expStages } from './expWasm.js';
import { F64, get, I32, i32, instantiateKernels, moduleOf, set, simd, uleb, V128 } from './wasmAssembler.js';

const add = [0x6a];
const mul = [0x6c];
const geS = [0x4e];
const v128Load = (offset: number) => [...simd(0x00), 4, ...uleb(offset)];
const v128Store = (offset: number) => [...simd(0x0b), 4, ...uleb(offset)];
const f64x2 = {
  splat: simd(0x14),
  add: simd(0xf0),
  sub: simd(0xf1),
  mul: simd(0xf2),
  div: simd(0xf3),
  pmax: simd(0xf7),
};
const f64x2Splat = (v: number) => {
  const bytes = new Uint8Array(new Float64Array([v, v]).buffer);
  return [...simd(0x0c), ...bytes];
};
const blockLoop = [0x02, 0x40, 0x03, 0x40];
const breakIfGe = (i: number, limit: number) => [...get(i), ...get(limit), ...geS, 0x0d, 1];
const next = (i: number, step: number) => [...get(i), ...i32(step), ...add, ...set(i)];
const nextBy = (i: number, step: number) => [...get(i), ...get(step), ...add, ...set(i)];
const endBlockLoop = [0x0c, 0, 0x0b, 0x0b];

/**
 * Loops over blocks and groups of `pairs` column pairs around `perColumn` (which walks the rows
 * itself): `params` parameters, starting with ptr(s) then blocks, rows, groups, rowStride,
 * blockStride (bytes), scale (f64), …; the first locals are the loop counters, then `col` locals get
 * ptr + blk·blockStride + 16·pairs·c for each pointer param.
 */
function columnLoops(
  pointers: number,
  pairs: number,
  params: number,
  perColumn: (cols: number[]) => number[],
): { body: number[]; locals: number } {
  const BLOCKS = pointers;
  const PAIRS = pointers + 2;
  const BLOCK_STRIDE = pointers + 4;
  const BLK = params;
  const C = BLK + 1;
  const cols = Array.from({ length: pointers }, (_, i) => C + 1 + i);
  const body: number[] = [...i32(0), ...set(BLK), ...blockLoop, ...breakIfGe(BLK, BLOCKS)];
  body.push(...i32(0), ...set(C), ...blockLoop, ...breakIfGe(C, PAIRS));
  for (let i = 0; i < pointers; i++) {
    body.push(
      ...get(i),
      ...get(BLK),
      ...get(BLOCK_STRIDE),
      ...mul,
      ...add,
      ...get(C),
      ...i32(16 * pairs),
      ...mul,
    );
    body.push(...add);
    body.push(...set(cols[i]!));
  }
  body.push(...perColumn(cols), ...next(C, 1), ...endBlockLoop, ...next(BLK, 1), ...endBlockLoop);
  return { body, locals: 2 + pointers };
}

/**
 * Column pairs per iteration of the forward kernel: U independent exp chains interleaved (measured at
 * 11 × 13689 and 8 × 16 × 256: 2 pairs 4.6 ns a value, 4 pairs 4.9, 1 pair 5.5 — with 4 pairs the
 * locals exceed the 16 SIMD registers of x64).
 */
const U = 2;

/**
 * Forward kernel bytes: params ptr, blocks, rows, groups (of U column pairs), rowStride, blockStride,
 * scale, flagPtr; in place. At flagPtr it stores Σ x·0 over every input value (two lanes): 0 when all
 * are finite, NaN when any is NaN or ±∞ — the finiteness check of the caller's input for free.
 */
export function softmaxColumnsKernelBytes(): Uint8Array<ArrayBuffer> {
  const [ROWS, ROW_STRIDE, SCALE, FLAG_PTR] = [2, 4, 6, 7];
  // i32 locals 8 blk, 9 c, 10 col, 11 r, 12 p; v128 locals 13 s, 14 finite, then per vector u: m, sum, x, n, rr, q
  const [R, P, S, FINITE] = [11, 12, 13, 14];
  const V = (u: number, k: number) => 15 + 6 * u + k;
  const [M, SUM, X, N, RR, Q] = [0, 1, 2, 3, 4, 5];
  const each = (f: (u: number) => number[]) => Array.from({ length: U }, (_, u) => f(u)).flat();
  const rowLoop = (col: number, inner: number[]) => [
    ...get(col),
    ...set(P),
    ...i32(0),
    ...set(R),
    ...blockLoop,
    ...breakIfGe(R, ROWS),
    ...inner,
    ...nextBy(P, ROW_STRIDE),
    ...next(R, 1),
    ...endBlockLoop,
  ];
  const stages = Array.from({ length: U }, (_, u) => expStages(V(u, X), V(u, N), V(u, RR), V(u, Q)));
  const interleaved: number[] = [];
  for (let k = 0; k < stages[0]!.length; k++) interleaved.push(...each((u) => stages[u]![k]!));
  const loops = columnLoops(1, U, 8, ([col]) => [
    // m = max_r s·x
    ...each((u) => [...f64x2Splat(Number.NEGATIVE_INFINITY), ...set(V(u, M))]),
    ...rowLoop(
      col!,
      each((u) => [
        ...get(P),
        ...v128Load(16 * u),
        ...set(V(u, X)),
        ...get(V(u, M)),
        ...get(V(u, X)),
        ...get(S),
        ...f64x2.mul,
        ...f64x2.pmax,
        ...set(V(u, M)),
        ...get(FINITE),
        ...get(V(u, X)),
        ...f64x2Splat(0),
        ...f64x2.mul,
        ...f64x2.add,
        ...set(FINITE),
      ]),
    ),
    // e = exp(s·x − m) in place, sum += e
    ...each((u) => [...f64x2Splat(0), ...set(V(u, SUM))]),
    ...rowLoop(col!, [
      ...each((u) => [
        ...get(P),
        ...v128Load(16 * u),
        ...get(S),
        ...f64x2.mul,
        ...get(V(u, M)),
        ...f64x2.sub,
        ...set(V(u, X)),
      ]),
      ...interleaved,
      ...each((u) => [
        ...get(P),
        ...get(V(u, Q)),
        ...v128Store(16 * u),
        ...get(V(u, SUM)),
        ...get(V(u, Q)),
        ...f64x2.add,
        ...set(V(u, SUM)),
      ]),
    ]),
    // e·(1/sum)
    ...each((u) => [...f64x2Splat(1), ...get(V(u, SUM)), ...f64x2.div, ...set(V(u, M))]),
    ...rowLoop(
      col!,
      each((u) => [
        ...get(P),
        ...get(P),
        ...v128Load(16 * u),
        ...get(V(u, M)),
        ...f64x2.mul,
        ...v128Store(16 * u),
      ]),
    ),
  ]);
  const body = [...get(SCALE), ...f64x2.splat, ...set(S), ...f64x2Splat(0), ...set(FINITE), ...loops.body];
  body.push(...get(FLAG_PTR), ...get(FINITE), ...v128Store(0));
  return moduleOf(
    'softmax',
    [I32, I32, I32, I32, I32, I32, F64, I32],
    [
      [loops.locals + 2, I32],
      [2 + 6 * U, V128],
    ],
    body,
  );
}

/**
 * Backward kernel bytes: params pPtr, gPtr, blocks, rows, pairs, rowStride, blockStride, scale,
 * f32Out; into g (float64), or when f32Out ≠ 0 rounded to float32 (f32x4.demote_f64x2_zero, round to
 * nearest even as a Float32Array store) at f32Out + (the g byte offset)/2, so that a float32 gradient
 * leaves the memory by a plain copy.
 */
export function softmaxColumnsBackwardKernelBytes(): Uint8Array<ArrayBuffer> {
  const [G_PTR, ROWS, ROW_STRIDE, SCALE, F32_OUT] = [1, 3, 5, 7, 8];
  // i32 locals 9 blk, 10 c, 11 colP, 12 colG, 13 r, 14 p, 15 g; v128 locals 16 s, 17 dot, 18 value
  const [R, PP, PG, S, DOT, VALUE] = [13, 14, 15, 16, 17, 18];
  const rowLoop = (colP: number, colG: number, inner: number[]) => [
    ...get(colP),
    ...set(PP),
    ...get(colG),
    ...set(PG),
    ...i32(0),
    ...set(R),
    ...blockLoop,
    ...breakIfGe(R, ROWS),
    ...inner,
    ...nextBy(PP, ROW_STRIDE),
    ...nextBy(PG, ROW_STRIDE),
    ...next(R, 1),
    ...endBlockLoop,
  ];
  const loops = columnLoops(2, 1, 9, ([colP, colG]) => [
    ...f64x2Splat(0),
    ...set(DOT),
    ...rowLoop(colP!, colG!, [
      ...get(DOT),
      ...get(PP),
      ...v128Load(0),
      ...get(PG),
      ...v128Load(0),
      ...f64x2.mul,
      ...f64x2.add,
      ...set(DOT),
    ]),
    // g ← s·p·(g − dot), or its float32 rounding into the f32Out region
    ...rowLoop(colP!, colG!, [
      ...get(S),
      ...get(PP),
      ...v128Load(0),
      ...f64x2.mul,
      ...get(PG),
      ...v128Load(0),
      ...get(DOT),
      ...f64x2.sub,
      ...f64x2.mul,
      ...set(VALUE),
      ...get(F32_OUT),
      0x04,
      0x40, // if
      ...get(F32_OUT),
      ...get(PG),
      ...get(G_PTR),
      0x6b, // i32.sub
      ...i32(1),
      0x76, // i32.shr_u
      ...add,
      ...get(VALUE),
      ...simd(0x5e), // f32x4.demote_f64x2_zero
      ...simd(0x5b), // v128.store64_lane
      3,
      0,
      0,
      0x05, // else
      ...get(PG),
      ...get(VALUE),
      ...v128Store(0),
      0x0b,
    ]),
  ]);
  const body = [...get(SCALE), ...f64x2.splat, ...set(S), ...loops.body];
  return moduleOf(
    'softmaxBackward',
    [I32, I32, I32, I32, I32, I32, I32, F64, I32],
    [
      [loops.locals + 3, I32],
      [3, V128],
    ],
    body,
  );
}

interface Kernels {
  readonly memory: WebAssembly.Memory;
  readonly forward: (
    ptr: number,
    blocks: number,
    rows: number,
    groups: number,
    rs: number,
    bs: number,
    s: number,
    flag: number,
  ) => void;
  readonly backward: (
    p: number,
    g: number,
    blocks: number,
    rows: number,
    pairs: number,
    rs: number,
    bs: number,
    s: number,
    f32Out: number,
  ) => void;
}

let kernels: Kernels | null | undefined;

function load(): Kernels | null {
  if (kernels === undefined) {
    const k = instantiateKernels(() => [softmaxColumnsKernelBytes(), softmaxColumnsBackwardKernelBytes()], 1);
    kernels = k && {
      memory: k.memory,
      forward: k.exports[0]!.softmax as Kernels['forward'],
      backward: k.exports[1]!.softmaxBackward as Kernels['backward'],
    };
  }
  return kernels;
}

/**
 * Column softmaxes of one shape kept in the kernels' memory from the forward to the backward pass,
 * so that a loss reads p and writes g = ∂L/∂p where the kernels work, without copies in between:
 *
 *   forward(slot, src, srcOffset, scale):  p = softmaxColumns(src …) into slot's p region
 *   backward(slot, scale, out, outOffset):  out = scale·p·(g − Σ_r' p·g) from slot's p and g regions
 *
 * (the rules of {@link softmaxColumns} and {@link softmaxColumnsBackward}, which are this class with
 * copies around it). `slots` independent inputs (e.g. a student's and a teacher's logits) each have a
 * p and a g region in {@link values}: `blocks`·`rows` rows of {@link stride} values (≥ width, a
 * multiple of 4), value (b, r, c) at `pOffset(slot)` resp. `gOffset(slot)` + (b·rows + r)·stride + c.
 * The caller writes g's `width` columns; the pad columns are zeroed by backward. Where WebAssembly
 * SIMD is unavailable the regions are a plain array and the passes plain loops over `Math.exp`.
 * The regions stay valid until the next ColumnSoftmax (or softmaxColumns call) is made.
 */
export class ColumnSoftmax {
  /** Row stride of the p and g regions (values). */
  readonly stride: number;
  /** The memory holding every region (the kernels' memory, or a plain array without WebAssembly). */
  readonly values: Float64Array;
  private readonly kern: Kernels | null;
  private readonly size: number;
  constructor(
    readonly blocks: number,
    readonly rows: number,
    readonly width: number,
    readonly slots = 1,
  ) {
    this.stride = Math.ceil(width / (2 * U)) * 2 * U;
    this.size = blocks * rows * this.stride;
    // the p and g regions, then one region of size float32 values for backward's float32 output
    const values = 2 + (2 * slots + 0.5) * this.size;
    let kern = load();
    let view: Float64Array | null = null;
    if (kern !== null) {
      view = memoryFor(kern, values);
      if (view === null) kern = null;
    }
    this.kern = kern;
    this.values = view ?? new Float64Array(values);
  }
  /** Start of slot's p region in {@link values}. */
  pOffset(slot: number): number {
    return 2 + 2 * slot * this.size;
  }
  /** Start of slot's g region in {@link values}. */
  gOffset(slot: number): number {
    return 2 + (2 * slot + 1) * this.size;
  }
  /**
   * p = softmax over rows of scale·src[srcOffset + (b·rows + r)·width + c] into slot's p region;
   * returns whether every source value was finite (Σ x·0 is 0, not NaN).
   */
  forward(slot: number, src: FloatArray, srcOffset: number, scale: number): boolean {
    const { values: f, blocks, rows, width, stride } = this;
    const at = this.pOffset(slot);
    copyIn(f, at, src, srcOffset, blocks * rows, width, stride);
    if (this.kern === null) return softmaxColumnsJs(f, at, blocks, rows, stride, scale);
    this.kern.forward(at * 8, blocks, rows, stride / (2 * U), stride * 8, rows * stride * 8, scale, 0);
    return f[0]! + f[1]! === 0;
  }
  /**
   * out[outOffset + (b·rows + r)·width + c] = scale·p·(g − Σ_r' p·g) from slot's regions (g is
   * overwritten); `out` may be float32 (rounded once when stored).
   */
  backward(slot: number, scale: number, out: FloatArray, outOffset: number): void {
    const { values: f, blocks, rows, width, stride } = this;
    const p = this.pOffset(slot);
    const g = this.gOffset(slot);
    if (stride !== width)
      for (let l = 0; l < blocks * rows; l++) f.fill(0, g + l * stride + width, g + (l + 1) * stride);
    if (this.kern === null) {
      softmaxColumnsBackwardJs(f, p, g, blocks, rows, stride, scale);
      copyOut(f, g, out, outOffset, blocks * rows, width, stride);
      return;
    }
    // a float32 gradient is rounded by the kernel into the float32 region, then copied as it is
    const f32 = out instanceof Float32Array ? 2 + 2 * this.slots * this.size : 0;
    this.kern.backward(p * 8, g * 8, blocks, rows, stride / 2, stride * 8, rows * stride * 8, scale, f32 * 8);
    if (f32 === 0) copyOut(f, g, out, outOffset, blocks * rows, width, stride);
    else
      copyOut(
        new Float32Array(f.buffer, f32 * 8, this.size),
        0,
        out,
        outOffset,
        blocks * rows,
        width,
        stride,
      );
  }
}

/** A float64 view of the kernels' memory holding at least `values` values (null if it cannot grow). */
function memoryFor(kern: Kernels, values: number): Float64Array | null {
  const need = values * 8;
  const have = kern.memory.buffer.byteLength;
  if (have < need) {
    try {
      kern.memory.grow(Math.ceil((need - have) / 65536));
    } catch {
      return null;
    }
  }
  return new Float64Array(kern.memory.buffer);
}

/** Copy `lines` rows of `width` values from src (contiguous) to f at row stride wp (pad columns zeroed). */
function copyIn(
  f: Float64Array,
  at: number,
  src: FloatArray,
  srcOffset: number,
  lines: number,
  width: number,
  wp: number,
) {
  if (wp === width) {
    f.set(src.subarray(srcOffset, srcOffset + lines * width), at);
    return;
  }
  for (let l = 0; l < lines; l++) {
    f.set(src.subarray(srcOffset + l * width, srcOffset + (l + 1) * width), at + l * wp);
    f.fill(0, at + l * wp + width, at + (l + 1) * wp);
  }
}

/** Copy `lines` rows of `width` values from f (row stride wp; float64, or float32 from the kernel) to out (contiguous). */
function copyOut(
  f: FloatArray,
  at: number,
  out: FloatArray,
  outOffset: number,
  lines: number,
  width: number,
  wp: number,
) {
  if (wp === width) {
    out.set(f.subarray(at, at + lines * width), outOffset);
    return;
  }
  for (let l = 0; l < lines; l++)
    out.set(f.subarray(at + l * wp, at + l * wp + width), outOffset + l * width);
}

/**
 * out[outOffset + (b·rows + r)·width + c] = softmax over r of scale·src[srcOffset + (b·rows + r)·width + c]
 * for `blocks` blocks (rule in the file header). Returns whether every source value read was finite
 * (Σ x·0 is 0, not NaN), so that callers need no separate scan of their input.
 */
export function softmaxColumns(
  src: FloatArray,
  srcOffset: number,
  blocks: number,
  rows: number,
  width: number,
  scale: number,
  out: Float64Array,
  outOffset: number,
): boolean {
  const sm = new ColumnSoftmax(blocks, rows, width);
  const finite = sm.forward(0, src, srcOffset, scale);
  copyOut(sm.values, sm.pOffset(0), out, outOffset, blocks * rows, width, sm.stride);
  return finite;
}

/**
 * out[… (b·rows + r)·width + c] = scale·p·(g − Σ_r' p·g) over the same layout as {@link softmaxColumns}
 * (rule in the file header); `out` may be float32 (rounded once when stored).
 */
export function softmaxColumnsBackward(
  p: Float64Array,
  pOffset: number,
  g: Float64Array,
  gOffset: number,
  blocks: number,
  rows: number,
  width: number,
  scale: number,
  out: FloatArray,
  outOffset: number,
): void {
  const sm = new ColumnSoftmax(blocks, rows, width);
  copyIn(sm.values, sm.pOffset(0), p, pOffset, blocks * rows, width, sm.stride);
  copyIn(sm.values, sm.gOffset(0), g, gOffset, blocks * rows, width, sm.stride);
  sm.backward(0, scale, out, outOffset);
}

/** {@link ColumnSoftmax.forward}'s passes as plain loops (no WebAssembly), in place at f[at…], row stride `stride`. */
function softmaxColumnsJs(
  f: Float64Array,
  at: number,
  blocks: number,
  rows: number,
  stride: number,
  scale: number,
): boolean {
  let finite = 0;
  for (let i = 0; i < blocks * rows * stride; i++) finite += f[at + i]! * 0;
  for (let b = 0; b < blocks; b++) {
    for (let c = 0; c < stride; c++) {
      const o0 = at + b * rows * stride + c;
      let m = Number.NEGATIVE_INFINITY;
      for (let r = 0; r < rows; r++) m = Math.max(m, scale * f[o0 + r * stride]!);
      let sum = 0;
      for (let r = 0; r < rows; r++) {
        const e = Math.exp(scale * f[o0 + r * stride]! - m);
        f[o0 + r * stride] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let r = 0; r < rows; r++) f[o0 + r * stride]! *= inv;
    }
  }
  return finite === 0;
}

/** {@link ColumnSoftmax.backward}'s passes as plain loops (no WebAssembly): g at f[g…] ← scale·p·(g − Σ p·g). */
function softmaxColumnsBackwardJs(
  f: Float64Array,
  p: number,
  g: number,
  blocks: number,
  rows: number,
  stride: number,
  scale: number,
): void {
  for (let b = 0; b < blocks; b++) {
    for (let c = 0; c < stride; c++) {
      const base = b * rows * stride + c;
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += f[p + base + r * stride]! * f[g + base + r * stride]!;
      for (let r = 0; r < rows; r++) {
        const i = base + r * stride;
        f[g + i] = scale * f[p + i]! * (f[g + i]! - dot);
      }
    }
  }
}
