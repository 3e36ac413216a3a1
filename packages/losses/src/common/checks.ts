import { type DimSpec, expectFinite, expectShape, type Tensor } from '@slotmatch/core';

/** expectShape + the finiteness check in one call: the argument check of every loss. */
export function expectInput(name: string, t: Tensor, dims: DimSpec, sizes: Record<string, number>): void {
  expectShape(name, t, dims, sizes);
  expectFinite(name, t.data);
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
  for (const [name, t] of inputs) if (t !== undefined) expectFinite(name, t.data);
}
