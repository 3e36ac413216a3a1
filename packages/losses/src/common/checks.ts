import { type DimSpec, expectFinite, expectShape, type Tensor } from '@slotmatch/core';

/** expectShape + expectFinite in one call: the argument check of every loss. */
export function expectInput(name: string, t: Tensor, dims: DimSpec, sizes: Record<string, number>): void {
  expectShape(name, t, dims, sizes);
  expectFinite(name, t.data);
}
