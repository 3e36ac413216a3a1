/**
 * The row sweep of {@link sinkhornScalings} on a WebAssembly SIMD kernel (two f64 lanes per
 * instruction; the JavaScript loops it replaces do one value at a time). For each row r of a kernel
 * block K [rows, cols] (rows padded with zeros to a multiple of 4 values):
 *
 *   d = Σ_c K[r, c]·v[c]   (two f64x2 partial sums, i.e. four lane sums, added at the end)
 *   w[r] = t[r] / d        (t = the normalised marginal μ/Σμ of the rows' side)
 *   acc[c] += w[r]·K[r, c] (when `withAcc`; the other side's product for the next half-step)
 *
 * The block is copied into the kernel's memory once per {@link SinkhornSweep} and swept there as
 * often as the iterations need. Without WebAssembly SIMD, {@link sinkhornSweep} returns null and the
 * caller keeps its JavaScript loops.
 */
import {
  F64,
  get,
  I32,
  i32,
  instantiateKernels,
  moduleOf,
  set,
  simd,
  uleb,
  V128,
} from '../ops/wasmAssembler.js';

const f64x2 = {
  add: simd(0xf0),
  mul: simd(0xf2),
  splat: simd(0x14),
  lane: (l: number) => [...simd(0x21), l],
};
const v128Load = (offset: number) => [...simd(0x00), 4, ...uleb(offset)];
const v128Store = (offset: number) => [...simd(0x0b), 4, ...uleb(offset)];
const f64Load = [0x2b, 3, 0];
const f64Store = [0x39, 3, 0];
const i32Add = [0x6a];
const i32Shl = [0x74];
const i32GeS = [0x4e];
const f64Add = [0xa0];
const f64Div = [0xa3];
const zero = [...simd(0x0c), ...new Array<number>(16).fill(0)];

/**
 * Module bytes of `sweep(k, rows, rowBytes, v, t, w, acc, withAcc)` (byte addresses; rowBytes a
 * multiple of 32) with the rule of the file header.
 */
export function sweepKernelBytes(): Uint8Array<ArrayBuffer> {
  const [K, ROWS, ROW_BYTES, Vp, Tp, Wp, ACC, WITH_ACC] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [R, ROW, C] = [8, 9, 10];
  const [S0, S1, WV] = [11, 12, 13];
  const [D] = [14];
  const loopUntil = (counter: number, limit: number, body: number[]) => [
    0x02,
    0x40,
    0x03,
    0x40,
    ...get(counter),
    ...get(limit),
    ...i32GeS,
    0x0d,
    1,
    ...body,
    0x0c,
    0,
    0x0b,
    0x0b,
  ];
  const at = (base: number) => [...get(base), ...get(C), ...i32Add];
  const dot = [
    ...at(ROW),
    ...v128Load(0),
    ...at(Vp),
    ...v128Load(0),
    ...f64x2.mul,
    ...get(S0),
    ...f64x2.add,
    ...set(S0),
    ...at(ROW),
    ...v128Load(16),
    ...at(Vp),
    ...v128Load(16),
    ...f64x2.mul,
    ...get(S1),
    ...f64x2.add,
    ...set(S1),
    ...get(C),
    ...i32(32),
    ...i32Add,
    ...set(C),
  ];
  const axpy = [
    ...at(ACC),
    ...at(ACC),
    ...v128Load(0),
    ...at(ROW),
    ...v128Load(0),
    ...get(WV),
    ...f64x2.mul,
    ...f64x2.add,
    ...v128Store(0),
    ...at(ACC),
    ...at(ACC),
    ...v128Load(16),
    ...at(ROW),
    ...v128Load(16),
    ...get(WV),
    ...f64x2.mul,
    ...f64x2.add,
    ...v128Store(16),
    ...get(C),
    ...i32(32),
    ...i32Add,
    ...set(C),
  ];
  const rowOf = (base: number) => [...get(base), ...get(R), ...i32(3), ...i32Shl, ...i32Add];
  const perRow = [
    ...zero,
    ...set(S0),
    ...zero,
    ...set(S1),
    ...i32(0),
    ...set(C),
    ...loopUntil(C, ROW_BYTES, dot),
    ...get(S0),
    ...get(S1),
    ...f64x2.add,
    ...set(S0),
    // w[r] = t[r] / (lane 0 + lane 1)
    ...rowOf(Wp),
    ...rowOf(Tp),
    ...f64Load,
    ...get(S0),
    ...f64x2.lane(0),
    ...get(S0),
    ...f64x2.lane(1),
    ...f64Add,
    ...f64Div,
    0x22,
    ...uleb(D), // local.tee d
    ...f64Store,
    ...get(WITH_ACC),
    0x04,
    0x40, // if
    ...get(D),
    ...f64x2.splat,
    ...set(WV),
    ...i32(0),
    ...set(C),
    ...loopUntil(C, ROW_BYTES, axpy),
    0x0b,
    ...get(ROW),
    ...get(ROW_BYTES),
    ...i32Add,
    ...set(ROW),
    ...get(R),
    ...i32(1),
    ...i32Add,
    ...set(R),
  ];
  const body = [...i32(0), ...set(R), ...get(K), ...set(ROW), ...loopUntil(R, ROWS, perRow)];
  return moduleOf(
    'sweep',
    8,
    [
      [3, I32],
      [3, V128],
      [1, F64],
    ],
    body,
  );
}

interface Kernel {
  readonly memory: WebAssembly.Memory;
  readonly sweep: (
    k: number,
    rows: number,
    rowBytes: number,
    v: number,
    t: number,
    w: number,
    acc: number,
    withAcc: number,
  ) => void;
}

let kernel: Kernel | null | undefined;

function load(): Kernel | null {
  if (kernel === undefined) {
    const k = instantiateKernels(() => [sweepKernelBytes()], 16);
    kernel = k && { memory: k.memory, sweep: k.exports[0]!.sweep as Kernel['sweep'] };
  }
  return kernel;
}

/**
 * A kernel block [rows, cols] held in the sweep kernel's memory, with its vectors: `v` (cols, the
 * other side's scaling), `t` (rows, the normalised marginal), `w` (rows, the result), `acc` (cols).
 * Views are valid until the next {@link sinkhornSweep} (which may grow the memory).
 */
export interface SinkhornSweep {
  readonly v: Float64Array;
  readonly t: Float64Array;
  readonly w: Float64Array;
  readonly acc: Float64Array;
  /** One sweep (rule in the file header); `acc` is zeroed first when `withAcc`. */
  run(withAcc: boolean): void;
}

/**
 * Copies K [rows, cols] (row-major from `k[offset…]`) into the kernel's memory and returns the sweep
 * over it, or null without WebAssembly SIMD.
 */
export function sinkhornSweep(
  k: Float64Array,
  offset: number,
  rows: number,
  cols: number,
): SinkhornSweep | null {
  const kern = load();
  if (kern === null) return null;
  const stride = Math.ceil(cols / 4) * 4;
  const kValues = rows * stride;
  const values = kValues + 2 * stride + 2 * rows;
  const need = values * 8;
  const have = kern.memory.buffer.byteLength;
  if (have < need) {
    try {
      kern.memory.grow(Math.ceil((need - have) / 65536));
    } catch {
      return null;
    }
  }
  const f = new Float64Array(kern.memory.buffer, 0, values);
  if (stride === cols) f.set(k.subarray(offset, offset + rows * cols));
  else {
    for (let r = 0; r < rows; r++) {
      f.set(k.subarray(offset + r * cols, offset + (r + 1) * cols), r * stride);
      f.fill(0, r * stride + cols, (r + 1) * stride);
    }
  }
  const vAt = kValues;
  const accAt = vAt + stride;
  const tAt = accAt + stride;
  const wAt = tAt + rows;
  f.fill(0, vAt, tAt); // padding of v and acc stays 0
  const sweep = kern.sweep;
  const acc = f.subarray(accAt, accAt + cols);
  return {
    v: f.subarray(vAt, vAt + cols),
    t: f.subarray(tAt, tAt + rows),
    w: f.subarray(wAt, wAt + rows),
    acc,
    run(withAcc: boolean) {
      if (withAcc) f.fill(0, accAt, tAt);
      sweep(0, rows, stride * 8, vAt * 8, tAt * 8, wAt * 8, accAt * 8, withAcc ? 1 : 0);
    },
  };
}
