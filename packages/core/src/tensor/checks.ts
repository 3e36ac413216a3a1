/**
 * Argument checks shared by every function over tensors. Each throws `InputError(argument, rule)`
 * naming the argument and the expected shape, so bad input never produces a silent NaN.
 */
import { InputError } from '../errors/InputError.js';
import { type FloatArray, formatDims, sizeOf, type Tensor } from './Tensor.js';

/**
 * Expected dims: a number is a fixed size, a string is a named size that must agree across every
 * check sharing the same `sizes` record (e.g. `'B'` bound by the first argument that mentions it).
 */
export type DimSpec = readonly (number | string)[];

/**
 * Check `t` against `expected`, binding named sizes in `sizes`. Returns `t` for chaining.
 *
 *   const sizes = {};
 *   expectShape('teacherSlots', teacher, ['B', 'T', 'K', 'S'], sizes);
 *   expectShape('studentSlots', student, ['B', 'T', 'K', 'S'], sizes); // must agree
 */
export function expectShape<T extends Tensor>(
  name: string,
  t: T,
  expected: DimSpec,
  sizes: Record<string, number> = {},
): T {
  if (t === null || typeof t !== 'object' || !ArrayBuffer.isView(t.data) || !Array.isArray(t.dims)) {
    throw new InputError(name, `expected a tensor { data, dims } of shape ${formatDims(expected)}`);
  }
  const shown = () =>
    formatDims(expected.map((e) => (typeof e === 'string' && e in sizes ? `${e}=${sizes[e]}` : e)));
  if (t.dims.length !== expected.length) {
    throw new InputError(name, `has dims ${formatDims(t.dims)}, expected ${shown()}`);
  }
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const d = t.dims[i]!;
    if (!Number.isInteger(d) || d < 0) throw new InputError(name, `dim ${i} is ${d}, not a size`);
    if (typeof e === 'number') {
      if (d !== e) throw new InputError(name, `has dims ${formatDims(t.dims)}, expected ${shown()}`);
    } else if (e in sizes) {
      if (sizes[e] !== d) throw new InputError(name, `has dims ${formatDims(t.dims)}, expected ${shown()}`);
    } else {
      sizes[e] = d;
    }
  }
  if (t.data.length !== sizeOf(t.dims)) {
    throw new InputError(
      name,
      `holds ${t.data.length} values, dims ${formatDims(t.dims)} need ${sizeOf(t.dims)}`,
    );
  }
  return t;
}

/**
 * The index of the first NaN or ±Infinity in `data`, or −1. Rule: v − v is 0 for every finite v and
 * NaN for NaN and ±∞ (IEEE 754), so one subtraction and one compare per value. One loop per storage
 * type, so that each stays monomorphic: a loop shared by float32, float64 and plain arrays reads its
 * elements through V8's generic path (and `Number.isFinite` is a call per value), several times slower
 * on large inputs.
 */
export function firstNonFinite(data: FloatArray | readonly number[]): number {
  if (data instanceof Float32Array) return firstNonFinite32(data);
  if (data instanceof Float64Array) return firstNonFinite64(data);
  return firstNonFiniteArray(data);
}

function firstNonFinite32(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) return i;
  }
  return -1;
}

function firstNonFinite64(data: Float64Array): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) return i;
  }
  return -1;
}

function firstNonFiniteArray(data: readonly number[]): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (typeof v !== 'number' || v - v !== 0) return i;
  }
  return -1;
}

/**
 * Throw if any value of `data` is NaN or ±Infinity, naming the argument and the first bad index
 * (scan: {@link firstNonFinite}).
 */
export function expectFinite(name: string, data: FloatArray | readonly number[]): void {
  const i = firstNonFinite(data);
  if (i >= 0) throw new InputError(name, `value ${i} is ${data[i]} (expected finite numbers)`);
}
