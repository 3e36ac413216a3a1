/**
 * Affine map over the last axis in PyTorch's `nn.Linear` layout: y[..., o] = Σ_i x[..., i]·W[o, i] + b[o],
 * W of shape [out, in]; float64 accumulation and output.
 */
import { InputError } from '../errors/InputError.js';
import { expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';

/** `nn.Linear` forward: x [..., in], weight [out, in], bias [out] (optional) → [..., out]. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor, name = 'linear'): Tensor<Float64Array> {
  if (x.dims.length < 1) throw new InputError(`${name} input`, 'needs at least one axis [..., in]');
  const sizes: Record<string, number> = { in: x.dims[x.dims.length - 1]! };
  expectShape(`${name} input`, x, [...x.dims.slice(0, -1), 'in'], sizes);
  expectShape(`${name} weight`, weight, ['out', 'in'], sizes);
  if (bias !== undefined) expectShape(`${name} bias`, bias, ['out'], sizes);
  const nIn = sizes.in!;
  const nOut = sizes.out!;
  const rows = nIn === 0 ? 0 : x.data.length / nIn;
  const out = new Float64Array(rows * nOut);
  const xd = x.data;
  const wd = weight.data;
  const bd = bias?.data;
  for (let r = 0; r < rows; r++) {
    const xr = r * nIn;
    const or = r * nOut;
    for (let o = 0; o < nOut; o++) {
      const wr = o * nIn;
      let s = bd === undefined ? 0 : bd[o]!;
      for (let i = 0; i < nIn; i++) s += xd[xr + i]! * wd[wr + i]!;
      out[or + o] = s;
    }
  }
  return { data: out, dims: [...x.dims.slice(0, -1), nOut] };
}
