/**
 * Reference points of deformable attention: the normalised coordinates (x, y) of the pixel centres
 * of an H × W grid under the chosen `alignCorners` convention, so that sampling a map of that size
 * at them returns the map unchanged:
 *   alignCorners = false: x_j = (2j + 1)/W − 1;    alignCorners = true: x_j = 2j/(W − 1) − 1 (0 when W = 1).
 * Row-major order (q = i·W + j), [H·W, 2].
 */
import { InputError } from '../errors/InputError.js';
import type { Tensor } from '../tensor/Tensor.js';

/** Pixel-centre reference points of an H × W grid (rule in the file header). */
export function referencePoints(height: number, width: number, alignCorners = false): Tensor<Float64Array> {
  for (const [name, v] of [
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new InputError(`referencePoints ${name}`, `must be a positive integer, got ${v}`);
  }
  const coord = (j: number, n: number) =>
    alignCorners ? (n === 1 ? 0 : (2 * j) / (n - 1) - 1) : (2 * j + 1) / n - 1;
  const out = new Float64Array(height * width * 2);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      out[2 * (i * width + j)] = coord(j, width);
      out[2 * (i * width + j) + 1] = coord(i, height);
    }
  }
  return { data: out, dims: [height * width, 2] };
}
