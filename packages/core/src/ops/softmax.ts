/**
 * Softmax along one axis: y[…, i, …] = exp(x[…, i, …] − max) / Σ_j exp(x[…, j, …] − max), the
 * maximum taken along the same axis for stability (as `torch.softmax(x, dim)`); float64 output.
 */
import { InputError } from '../errors/InputError.js';
import type { Tensor } from '../tensor/Tensor.js';
import { stridesOf } from '../tensor/Tensor.js';

/** Softmax of `x` along `axis` (negative counts from the end). */
export function softmax(x: Tensor, axis: number, name = 'softmax'): Tensor<Float64Array> {
  const rank = x.dims.length;
  const ax = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= rank) {
    throw new InputError(`${name} axis`, `${axis} is not an axis of a rank-${rank} tensor`);
  }
  const n = x.dims[ax]!;
  const stride = stridesOf(x.dims)[ax]!;
  const outer = rank === 0 ? 1 : x.dims.slice(0, ax).reduce((a, b) => a * b, 1);
  const out = new Float64Array(x.data.length);
  const xd = x.data;
  for (let o = 0; o < outer; o++) {
    for (let s = 0; s < stride; s++) {
      const base = o * n * stride + s;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) max = Math.max(max, xd[base + i * stride]!);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const e = Math.exp(xd[base + i * stride]! - max);
        out[base + i * stride] = e;
        sum += e;
      }
      for (let i = 0; i < n; i++) out[base + i * stride]! /= sum;
    }
  }
  return { data: out, dims: [...x.dims] };
}
