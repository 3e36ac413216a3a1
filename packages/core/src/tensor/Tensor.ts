/**
 * The tensor every slot-math function in slotmatch takes and returns: a flat typed array in row-major
 * (C) order with its dims. Structurally typed, so an onnxruntime `Tensor` (node or web) with float
 * data *is* a `Tensor` — no copy — and so is a plain `{ data, dims }` literal.
 *
 * float32 is the default storage; float64 is used where exactness matters (losses, statistics).
 */
export type FloatArray = Float32Array | Float64Array;

export interface Tensor<A extends FloatArray = FloatArray> {
  readonly data: A;
  readonly dims: readonly number[];
}

/** Number of elements of a shape: ∏ dims (1 for a scalar []). */
export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** A tensor over `data` with `dims`, checking that the element count agrees. */
export function tensor<A extends FloatArray>(data: A, dims: readonly number[], name = 'tensor'): Tensor<A> {
  if (data.length !== sizeOf(dims)) {
    throw new RangeError(`${name}: ${data.length} values do not fill dims [${dims.join(',')}]`);
  }
  return { data, dims: [...dims] };
}

/** A zero-filled float32 tensor. */
export function zeros32(dims: readonly number[]): Tensor<Float32Array> {
  return { data: new Float32Array(sizeOf(dims)), dims: [...dims] };
}

/** A zero-filled float64 tensor. */
export function zeros64(dims: readonly number[]): Tensor<Float64Array> {
  return { data: new Float64Array(sizeOf(dims)), dims: [...dims] };
}

/** Row-major strides of a shape: stride[i] = ∏_{j>i} dims[j]. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

/** "[B,T,K,S]"-style rendering of a shape for messages. */
export function formatDims(dims: readonly (number | string)[]): string {
  return `[${dims.join(',')}]`;
}
