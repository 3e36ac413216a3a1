/**
 * Element-wise maps and sums over float tensors, float64 output: `relu(x) = max(x, 0)`,
 * `add(a, b) = a + b` (same shape), `sigmoid(x) = 1 / (1 + e^−x)`.
 */
import { expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';

/** max(x, 0) element-wise. */
export function relu(x: Tensor): Tensor<Float64Array> {
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = x.data[i]!;
    out[i] = Math.max(v, 0);
  }
  return { data: out, dims: [...x.dims] };
}

/** a + b element-wise; both of the same shape. */
export function add(a: Tensor, b: Tensor, name = 'add'): Tensor<Float64Array> {
  expectShape(`${name} b`, b, a.dims);
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! + b.data[i]!;
  return { data: out, dims: [...a.dims] };
}

/** Logistic sigmoid 1 / (1 + e^−x) of a number (stable for large |x|). */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
