/**
 * Layer normalisation over the last axis as PyTorch's `nn.LayerNorm(C, eps)`:
 * y = (x − mean) / √(var + eps)·γ + β with the biased variance var = mean((x − mean)²);
 * float64 statistics and output.
 */
import { InputError } from '../errors/InputError.js';
import { expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';

/** LayerNorm of x [..., C] with optional γ [C] and β [C] (rule in the file header). */
export function layerNorm(
  x: Tensor,
  weight?: Tensor,
  bias?: Tensor,
  eps = 1e-5,
  name = 'layerNorm',
): Tensor<Float64Array> {
  if (x.dims.length < 1) throw new InputError(`${name} input`, 'needs at least one axis [..., C]');
  const c = x.dims[x.dims.length - 1]!;
  expectShape(`${name} input`, x, x.dims);
  if (weight !== undefined) expectShape(`${name} weight`, weight, [c]);
  if (bias !== undefined) expectShape(`${name} bias`, bias, [c]);
  if (!(eps >= 0)) throw new InputError(`${name} eps`, `must be ≥ 0, got ${eps}`);
  const rows = c === 0 ? 0 : x.data.length / c;
  const out = new Float64Array(x.data.length);
  const xd = x.data;
  const g = weight?.data;
  const b = bias?.data;
  for (let r = 0; r < rows; r++) {
    const base = r * c;
    let mean = 0;
    for (let i = 0; i < c; i++) mean += xd[base + i]!;
    mean /= c;
    let v = 0;
    for (let i = 0; i < c; i++) {
      const d = xd[base + i]! - mean;
      v += d * d;
    }
    const inv = 1 / Math.sqrt(v / c + eps);
    for (let i = 0; i < c; i++) {
      let y = (xd[base + i]! - mean) * inv;
      if (g !== undefined) y *= g[i]!;
      if (b !== undefined) y += b[i]!;
      out[base + i] = y;
    }
  }
  return { data: out, dims: [...x.dims] };
}
