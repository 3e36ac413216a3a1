/**
 * Colour a frame by a label map, for overlay videos: for every pixel with label ℓ > 0,
 * out = round((1 − α)·frame + α·palette[ℓ]); label 0 (background) keeps the frame's colour.
 */
import { InputError } from '../errors/index.js';
import { bytesPerPixel, type RgbFrame, validateFrame } from './frame.js';

/**
 * Blend `palette` colours (RGB triplets, index = label) into `frame` where `labels` (one per
 * pixel, row-major, the frame's size) is non-zero; returns a new RGB frame. Rule in the file header.
 */
export function overlayLabels(
  frame: RgbFrame,
  labels: ArrayLike<number>,
  palette: ArrayLike<number>,
  alpha = 0.5,
): RgbFrame {
  validateFrame(frame);
  const n = frame.width * frame.height;
  if (labels.length !== n) {
    throw new InputError(
      'overlay labels',
      `has ${labels.length} values, the frame has ${frame.width}×${frame.height} = ${n} pixels`,
    );
  }
  if (!(alpha >= 0 && alpha <= 1)) throw new InputError('overlay alpha', `must be in [0, 1], got ${alpha}`);
  const bpp = bytesPerPixel(frame.format);
  const colours = Math.floor(palette.length / 3);
  const out = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    const l = labels[p]!;
    for (let c = 0; c < 3; c++) {
      const v = frame.data[p * bpp + c]!;
      out[p * 3 + c] = l > 0 && l < colours ? Math.round((1 - alpha) * v + alpha * palette[l * 3 + c]!) : v;
    }
  }
  return { data: out, width: frame.width, height: frame.height, format: 'rgb' };
}
