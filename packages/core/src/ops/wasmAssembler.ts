/**
 * The encoders the hand-assembled WebAssembly kernels (gemm, exp, column softmax, the Sinkhorn sweep)
 * are built with — LEB128 integers, vectors, names, sections, the module header of one exported
 * function importing `env.memory` (WebAssembly binary format,
 * https://webassembly.github.io/spec/core/binary/) — and their one loader, {@link instantiateKernels}.
 */

/** Unsigned LEB128. */
export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};

/** Signed LEB128. */
export const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
};

/** A length-prefixed vector of encoded items. */
export const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

/** A name (UTF-8 of ASCII). */
export const name = (s: string): number[] => vector([...s].map((ch) => [ch.charCodeAt(0)]));

/** A section with its id and byte length. */
export const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/**
 * A module with one function and no result, exported as `exportName`: `params` i32 parameters (a
 * count) or parameters of the given value types; its locals (`locals`: [count, type] runs) and body
 * are given; it imports one memory as env.memory.
 */
export function moduleOf(
  exportName: string,
  params: number | readonly number[],
  locals: [number, number][],
  body: number[],
): Uint8Array<ArrayBuffer> {
  const paramTypes = typeof params === 'number' ? new Array<number>(params).fill(I32) : params;
  const fn = [...vector(locals.map(([count, type]) => [...uleb(count), type])), ...body, 0x0b];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector([[0x60, ...vector(paramTypes.map((t) => [t])), ...vector([])]])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vector([[0x00]])),
    ...section(7, vector([[...name(exportName), 0x00, 0x00]])),
    ...section(10, vector([[...uleb(fn.length), ...fn]])),
  ]);
}

/** Instructions. */
export const get = (i: number): number[] => [0x20, ...uleb(i)];
export const set = (i: number): number[] => [0x21, ...uleb(i)];
export const i32 = (v: number): number[] => [0x41, ...sleb(v)];
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
/** v128.const of two f64 lanes (both `v` unless `w` is given). */
export const f64x2Const = (v: number, w = v): number[] => {
  const bytes = new Uint8Array(new Float64Array([v, w]).buffer);
  return [...simd(0x0c), ...bytes];
};
/** v128.const of two i64 lanes equal to `v` (|v| < 2³¹). */
export const i64x2Const = (v: number): number[] => {
  const bytes = new Uint8Array(new BigInt64Array([BigInt(v), BigInt(v)]).buffer);
  return [...simd(0x0c), ...bytes];
};

/** Kernel modules instantiated on one shared memory by {@link instantiateKernels}. */
export interface KernelInstances {
  readonly memory: WebAssembly.Memory;
  /** The exports of each module, in the order given. */
  readonly exports: readonly WebAssembly.Exports[];
}

/**
 * The one loader of the hand-assembled kernels: builds the modules (`build()`, modules of
 * {@link moduleOf}), checks each with `WebAssembly.validate` and instantiates them all on one new
 * memory of `pages` 64 KiB pages, the memory they import as env.memory. Null where WebAssembly — or
 * an instruction the modules use, such as SIMD — is unavailable, or where building or instantiating
 * throws: the callers then take their plain JavaScript path.
 */
export function instantiateKernels(
  build: () => readonly Uint8Array<ArrayBuffer>[],
  pages: number,
): KernelInstances | null {
  try {
    if (typeof WebAssembly !== 'object') return null;
    const modules = build();
    if (!modules.every((bytes) => WebAssembly.validate(bytes))) return null;
    const memory = new WebAssembly.Memory({ initial: pages });
    const exports = modules.map(
      (bytes) =>
        new WebAssembly.Instance(new WebAssembly.Module(bytes), {
          env: { memory },
        }).exports,
    );
    return { memory, exports };
  } catch {
    return null;
  }
}
