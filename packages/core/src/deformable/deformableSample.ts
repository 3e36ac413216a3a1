/**
 * The sampling step of deformable attention (DAT, Xia et al. CVPR 2022; METHODS.md §4): keys and
 * values are read from a map [C, H, W] at p = reference + offset (normalised coordinates, (x, y)),
 * bilinear with zero padding ({@link gridSample}); the offsets come from an offset network and are
 * learned, so the backward gives ∂L/∂offsets (= ∂L/∂p) as well as ∂L/∂map.
 */
import { InputError } from '../errors/InputError.js';
import { expectShape } from '../tensor/checks.js';
import type { Tensor } from '../tensor/Tensor.js';
import { type GridSampleOptions, gridSample, gridSampleBackward } from './gridSample.js';

function shifted(reference: Tensor, offsets: Tensor): Tensor<Float64Array> {
  const sizes: Record<string, number> = {};
  expectShape('reference', reference, ['Q', 2], sizes);
  expectShape('offsets', offsets, ['Q', 2], sizes);
  const p = new Float64Array(reference.data.length);
  for (let i = 0; i < p.length; i++) {
    const v = reference.data[i]! + offsets.data[i]!;
    if (!Number.isFinite(v))
      throw new InputError('offsets', `value ${i} gives a non-finite sampling position`);
    p[i] = v;
  }
  return { data: p, dims: [sizes.Q!, 2] };
}

/** Sample `map` [C, H, W] at reference + offsets ([Q, 2] each) → [C, Q] (file header). */
export function deformableSample(
  map: Tensor,
  reference: Tensor,
  offsets: Tensor,
  options: GridSampleOptions = {},
): Tensor<Float64Array> {
  return gridSample(map, shifted(reference, offsets), options);
}

/** ∂L/∂map [C, H, W] and ∂L/∂offsets [Q, 2] of L = Σ gradOutput ⊙ deformableSample(…). */
export function deformableSampleBackward(
  map: Tensor,
  reference: Tensor,
  offsets: Tensor,
  gradOutput: Tensor,
  options: GridSampleOptions = {},
): { gradMap: Tensor<Float64Array>; gradOffsets: Tensor<Float64Array> } {
  const g = gridSampleBackward(map, shifted(reference, offsets), gradOutput, options);
  return { gradMap: g.gradMap, gradOffsets: g.gradPoints };
}
