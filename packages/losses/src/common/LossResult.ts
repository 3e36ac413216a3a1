import type { Tensor } from '@slotmatch/core';

/**
 * What every loss returns: its value and, for each differentiable input, ∂value/∂input as a float64
 * tensor with that input's dims — enough to drive any JavaScript training loop.
 */
export interface LossResult<G extends string> {
  /** The loss value (float64). */
  readonly value: number;
  /** ∂value/∂input for each differentiable input, named like the argument. */
  readonly grads: { readonly [K in G]: Tensor<Float64Array> };
}
