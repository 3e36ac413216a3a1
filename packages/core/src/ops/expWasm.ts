/**
 * Vectorised exp over float64 arrays: a WebAssembly SIMD kernel (two f64 lanes per instruction),
 * where V8's `Math.exp` costs a call per value. The losses' softmaxes and exp-kernels run on it.
 *
 *   exp(x) = 2ⁿ·e^r,  n = nearest(x·log₂e),  r = (x − n·ln2_hi) − n·ln2_lo  (Cody–Waite split of ln 2,
 *   fdlibm's constants, so n·ln2_hi is exact),  |r| ≤ ln2/2,
 *   e^r = Σ_{k ≤ 12} r^k/k!  (Horner; truncation < 2·10⁻¹⁶ relative),  2ⁿ built from its exponent bits.
 *
 * n comes from the round-to-nearest of one float64 addition, t = x·log₂e + 1.5·2⁵² (the shifter
 * constant of fdlibm-style exps): n = t − 1.5·2⁵² exactly, and the low bits of t's bit pattern are n
 * itself, so 2ⁿ's bits are (bits(t) + 1023) << 52 (the shift drops everything above n's 12 bits) —
 * the same n as `f64x2.nearest`, with no float → integer conversion (V8's saturating one is a
 * sequence of instructions): 1.36× the throughput of nearest + trunc_sat, bit-identical results.
 *
 * Relative error ≤ 1·10⁻¹⁵ (a few ulp) on [−708.3, 709] (tested against `Math.exp`); below −708.3 the
 * result is 0 (true values there are < 2.3·10⁻³⁰⁸), above 709 it is +∞ (exact exp overflows at 709.78),
 * NaN stays NaN. The module (≈ 400 bytes) is assembled here and compiled synchronously on first use;
 * without WebAssembly SIMD, {@link expInPlace} loops over `Math.exp`.
 */
import {
  f64x2Const,
  get,
  I32,
  i32,
  i64x2Const,
  instantiateKernels,
  moduleOf,
  set,
  simd,
  uleb,
  V128,
} from './wasmAssembler.js';

/** Vectors (of two values) per loop iteration. */
const U = 8;
const LOW = -708.3;
/** 1.5·2⁵²: adding it rounds to an integer, which then sits in the low bits of the sum's bit pattern. */
const SHIFTER = 6755399441055744;
const HIGH = 709;

const f64x2 = {
  add: simd(0xf0),
  sub: simd(0xf1),
  mul: simd(0xf2),
  pmin: simd(0xf6),
  pmax: simd(0xf7),
  lt: simd(0x49),
  gt: simd(0x4a),
};

const inverseFactorial = (k: number) => {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return 1 / f;
};

/**
 * The instructions of exp (rule in the file header) of the two f64 lanes of v128 local `x` into local
 * `q` (locals `n`, `r` are scratch; `x` is kept), as a list of stages so that a kernel can interleave
 * the stages of several independent vectors (the Horner chain is long). Shared by the exp kernel
 * here and the softmax kernels of softmaxColumns.ts.
 */
export function expStages(x: number, n: number, r: number, q: number): number[][] {
  const stages: number[][] = [
    // r ← clamp(x) (pmax/pmin: plain maxpd/minpd; NaN passes through); n ← t = r·log₂e + shifter
    [...get(x), ...f64x2Const(LOW), ...f64x2.pmax, ...f64x2Const(HIGH), ...f64x2.pmin, ...set(r)],
    [...get(r), ...f64x2Const(Math.LOG2E), ...f64x2.mul, ...f64x2Const(SHIFTER), ...f64x2.add, ...set(n)],
    // r = (r − nf·ln2_hi) − nf·ln2_lo with nf = t − shifter (q holds nf for the moment)
    [
      ...get(n),
      ...f64x2Const(SHIFTER),
      ...f64x2.sub,
      ...set(q),
      ...get(r),
      ...get(q),
      ...f64x2Const(0.6931471803691238),
      ...f64x2.mul,
      ...f64x2.sub,
      ...get(q),
      ...f64x2Const(1.9082149292705877e-10),
      ...f64x2.mul,
      ...f64x2.sub,
      ...set(r),
    ],
    // q = Σ r^k/k! by Horner from k = 12 down to 0
    [...f64x2Const(inverseFactorial(12)), ...set(q)],
  ];
  for (let k = 11; k >= 0; k--) {
    stages.push([
      ...get(q),
      ...get(r),
      ...f64x2.mul,
      ...f64x2Const(inverseFactorial(k)),
      ...f64x2.add,
      ...set(q),
    ]);
  }
  stages.push([
    // q·2ⁿ: the bits of 2ⁿ are (n + 1023) << 52, n the low bits of t's
    ...get(q),
    ...get(n),
    ...i64x2Const(1023),
    ...simd(0xce), // i64x2.add
    ...i32(52),
    ...simd(0xcb), // i64x2.shl
    ...f64x2.mul,
    // 0 where x < LOW
    ...get(x),
    ...f64x2Const(LOW),
    ...f64x2.lt,
    ...simd(0x4f), // v128.andnot
    ...set(q),
    // +∞ where x > HIGH
    ...f64x2Const(Number.POSITIVE_INFINITY),
    ...get(q),
    ...get(x),
    ...f64x2Const(HIGH),
    ...f64x2.gt,
    ...simd(0x52), // v128.bitselect
    ...set(q),
  ]);
  return stages;
}

/**
 * The kernel's module bytes: `exp(ptr, count)` replaces `count` f64 values at `ptr` (rounded up to a
 * multiple of 2U) and leaves the sums of what it wrote (two lanes) at byte SUM_AT.
 */
export function expKernelBytes(): Uint8Array<ArrayBuffer> {
  const load = (offset: number) => [...simd(0x00), 4, ...uleb(offset)];
  const store = (offset: number) => [...simd(0x0b), 4, ...uleb(offset)];
  // U independent vectors per iteration, their stages interleaved.
  // params 0 ptr, 1 count; i32 locals 2 p, 3 end; v128 locals per vector u: x 4 + 4u, n 5 + 4u, r 6 + 4u, q 7 + 4u.
  const X = (u: number) => 4 + 4 * u;
  const Nn = (u: number) => 5 + 4 * u;
  const R = (u: number) => 6 + 4 * u;
  const Q = (u: number) => 7 + 4 * u;
  const SUM = 4 + 4 * U; // v128: running sum of the results
  const each = (f: (u: number) => number[]): number[] => {
    const out: number[] = [];
    for (let u = 0; u < U; u++) out.push(...f(u));
    return out;
  };
  const stages = Array.from({ length: U }, (_, u) => expStages(X(u), Nn(u), R(u), Q(u)));
  const body: number[] = [
    ...get(0),
    ...set(2),
    ...get(0),
    ...get(1),
    ...i32(8),
    0x6c, // i32.mul
    0x6a, // i32.add
    ...set(3),
    0x02,
    0x40, // block
    0x03,
    0x40, // loop
    ...get(2),
    ...get(3),
    0x4e, // i32.ge_s
    0x0d,
    1, // br_if out
    ...each((u) => [...get(2), ...load(16 * u), ...set(X(u))]),
  ];
  for (let s = 0; s < stages[0]!.length; s++) body.push(...each((u) => stages[u]![s]!));
  body.push(
    ...each((u) => [
      ...get(2),
      ...get(Q(u)),
      ...store(16 * u),
      ...get(SUM),
      ...get(Q(u)),
      ...f64x2.add,
      ...set(SUM),
    ]),
    ...get(2),
    ...i32(16 * U),
    0x6a,
    ...set(2),
    0x0c,
    0, // br loop
    0x0b,
    0x0b,
    // Σ of everything written (both lanes) at SUM_AT
    ...i32(SUM_AT),
    ...get(SUM),
    ...store(0),
  );
  return moduleOf(
    'exp',
    2,
    [
      [2, I32],
      [4 * U + 1, V128],
    ],
    [...f64x2Const(0), ...set(SUM), ...body],
  );
}

/** Values per kernel call: the module's memory holds one chunk (+ the last block's padding). */
const CHUNK = 8192;
/** Byte address where the kernel leaves the two lane sums of the values it wrote (after the chunk). */
const SUM_AT = (CHUNK + 2 * U) * 8;

interface Kernel {
  readonly view: Float64Array;
  readonly exp: (ptr: number, count: number) => void;
}

let kernel: Kernel | null | undefined;

function load(): Kernel | null {
  if (kernel === undefined) {
    const k = instantiateKernels(() => [expKernelBytes()], Math.ceil((SUM_AT + 16) / 65536));
    kernel = k && {
      view: new Float64Array(k.memory.buffer, 0, CHUNK + 2 * U + 2),
      exp: k.exports[0]!.exp as Kernel['exp'],
    };
  }
  return kernel;
}

/** Which implementation {@link expInPlace} uses here: `'wasm-simd'` or `'js'`. */
export function expBackend(): 'wasm-simd' | 'js' {
  return load() === null ? 'js' : 'wasm-simd';
}

/**
 * values[offset + i] = exp(values[offset + i]) for i < length, on the SIMD kernel (rule and accuracy
 * in the file header) in chunks of 8192 values, or with `Math.exp` where the kernel is unavailable
 * and for fewer than 16 values.
 */
export function expInPlace(values: Float64Array, offset = 0, length: number = values.length - offset): void {
  const kern = length >= 16 ? load() : null;
  if (kern === null) {
    for (let i = offset; i < offset + length; i++) values[i] = Math.exp(values[i]!);
    return;
  }
  const { view, exp } = kern;
  for (let start = offset; start < offset + length; start += CHUNK) {
    const count = Math.min(CHUNK, offset + length - start);
    view.set(values.subarray(start, start + count));
    exp(0, count);
    values.set(view.subarray(0, count), start);
  }
}

/**
 * {@link expInPlace} that also returns Σ_i exp(values[offset + i]) — the softmax denominator without a
 * second pass (the kernel sums what it writes; the padding of the last block is set to −∞, whose exp is
 * 0). The sum's order differs from a sequential one (lane-wise partial sums), within a few ulp.
 */
export function expInPlaceSum(
  values: Float64Array,
  offset = 0,
  length: number = values.length - offset,
): number {
  const kern = length >= 16 ? load() : null;
  if (kern === null) {
    let sum = 0;
    for (let i = offset; i < offset + length; i++) {
      const e = Math.exp(values[i]!);
      values[i] = e;
      sum += e;
    }
    return sum;
  }
  const { view, exp } = kern;
  let sum = 0;
  for (let start = offset; start < offset + length; start += CHUNK) {
    const count = Math.min(CHUNK, offset + length - start);
    view.set(values.subarray(start, start + count));
    view.fill(Number.NEGATIVE_INFINITY, count, Math.ceil(count / (2 * U)) * 2 * U);
    exp(0, count);
    values.set(view.subarray(0, count), start);
    sum += view[SUM_AT / 8]! + view[SUM_AT / 8 + 1]!;
  }
  return sum;
}
