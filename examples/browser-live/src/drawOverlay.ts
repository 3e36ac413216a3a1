/**
 * Draw one result onto a canvas: the frame blended with the PASCAL-VOC colour of each pixel's slot
 * label (core `overlayLabels`, α = 0.5 — the colours of the DAVIS palette PNGs and of the overlay
 * videos written in Node), at the frame's size. Returns the number of distinct labels shown.
 */
import { type FrameResult, overlayLabels } from '@slotmatch/core';
import { vocColormap } from '@slotmatch/metrics';

const palette = vocColormap();

export function drawOverlay(canvas: HTMLCanvasElement, result: FrameResult, alpha = 0.5): number {
  const { width, height } = result;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const labels = result.labels!;
  const rgb = overlayLabels(result.frame, labels, palette, alpha).data;
  const image = new ImageData(width, height);
  const seen = new Uint8Array(256);
  for (let p = 0; p < width * height; p++) {
    image.data[p * 4] = rgb[p * 3]!;
    image.data[p * 4 + 1] = rgb[p * 3 + 1]!;
    image.data[p * 4 + 2] = rgb[p * 3 + 2]!;
    image.data[p * 4 + 3] = 255;
    seen[labels[p]!] = 1;
  }
  canvas.getContext('2d')!.putImageData(image, 0, 0);
  return seen.reduce((n, v) => n + v, 0);
}
