import type { Tensor } from '@slotmatch/core';

/**
 * What every loss returns: its value and, for each differentiable input, ∂value/∂input as a tensor
 * with that input's dims and storage type (float32 for a float32 input, float64 otherwise — as torch's
 * `.grad`; the sums behind it run in float64) — enough to drive any JavaScript training loop.
 */
export interface LossResult<G extends string> {
  /** The loss value (float64). */
  readonly value: number;
  /** ∂value/∂input for each differentiable input, named like the argument. */
  readonly grads: { readonly [K in G]: Tensor };
}
