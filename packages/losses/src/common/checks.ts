import { type DimSpec, expectShape, type FloatArray, InputError, type Tensor } from '@slotmatch/core';

/**
 * The index of the first NaN or ±∞ in `data`, or −1: v − v is 0 for every finite v and NaN otherwise.
 * One loop per storage type, so that each stays monomorphic (a loop shared by float32, float64 and
 * plain arrays reads elements through V8's generic path, several times slower on large inputs).
 */
export function firstNonFinite(data: FloatArray): number {
  return data instanceof Float32Array ? firstNonFinite32(data) : firstNonFinite64(data);
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

/** Throws InputError naming `name` and the first non-finite value (core's `expectFinite` message). */
export function expectFiniteData(name: string, data: FloatArray): void {
  const i = firstNonFinite(data);
  if (i >= 0) throw new InputError(name, `value ${i} is ${data[i]} (expected finite numbers)`);
}

/** expectShape + the finiteness check in one call: the argument check of every loss. */
export function expectInput(name: string, t: Tensor, dims: DimSpec, sizes: Record<string, number>): void {
  expectShape(name, t, dims, sizes);
  expectFiniteData(name, t.data);
}

/**
 * The finiteness check of a loss whose value is poisoned by any NaN or ±∞ in its inputs (every input
 * value reaches the value through sums, products and norms only — no softmax, where −∞ gives a finite
 * 0, no matching, which needs finite costs): the shapes are checked up front with `expectShape`, the
 * loss is computed, and only when its value is not finite are the inputs scanned, so that the error
 * still names the first offending argument and value (as {@link expectInput}). A finite value proves
 * finite inputs, which saves a read of every input on the common path.
 */
export function expectFiniteUnless(
  value: number,
  inputs: readonly (readonly [string, Tensor | undefined])[],
): void {
  if (Number.isFinite(value)) return;
  for (const [name, t] of inputs) if (t !== undefined) expectFiniteData(name, t.data);
}
