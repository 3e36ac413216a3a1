/**
 * First-frame labels on the feature grid, as the CRW/SMTC loader makes them: one-hot of the label
 * map over classes 0 … C − 1 (background 0 included), each channel resized bilinearly with
 * half-pixel centres and no antialias to the h × w grid (`cv2.resize(onehot, (w, h))`, INTER_LINEAR,
 * the same weights as torch `F.interpolate(…, mode="bilinear", align_corners=False)`). Result [C, h·w].
 */
import { resizeBilinear } from '../image/resize.js';
import { oneHot } from '../masks/oneHot.js';
import type { Tensor } from '../tensor/Tensor.js';

/** Soft labels [C, h·w] of a label map [H·W] (rule in the file header). */
export function labelsToGrid(
  labels: ArrayLike<number>,
  classes: number,
  height: number,
  width: number,
  gridHeight: number,
  gridWidth: number,
): Tensor<Float32Array> {
  const hot = oneHot(labels, classes);
  const data = resizeBilinear(hot, classes, height, width, gridHeight, gridWidth);
  return { data, dims: [classes, gridHeight * gridWidth] };
}
