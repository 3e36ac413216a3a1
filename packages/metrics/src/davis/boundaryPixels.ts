import type { LabelArray } from '../png/decodePng.js';

/**
 * Boundary pixels of every label mask 1..maxLabel of a label map, in one pass over the image.
 *
 * Rule (davis2017-evaluation `metrics._seg2bmap` applied to the binary mask m = (labels == k)):
 * b = m≠east ∨ m≠south ∨ m≠south-east for y < H−1, x < W−1; on the last row only m≠east; on the
 * last column only m≠south; the bottom-right pixel is never a boundary pixel. Since
 * m[i] ≠ m[j] ⇔ labels[i] ≠ labels[j] ∧ k ∈ {labels[i], labels[j]}, a pixel whose label differs from
 * a compared neighbour is a boundary pixel of both labels, so all masks come out of one scan.
 *
 * Returns `pixels[k − 1]` = the boundary pixel indices (y·W + x, ascending) of label k. Labels
 * outside 1..maxLabel (background, void, ignored ids) have no list but still differ from k.
 */
export function boundaryPixels(
  labels: LabelArray,
  width: number,
  height: number,
  maxLabel: number,
): number[][] {
  const pixels: number[][] = Array.from({ length: maxLabel }, () => []);
  const add = (label: number, i: number) => {
    if (label >= 1 && label <= maxLabel) pixels[label - 1]!.push(i);
  };
  for (let y = 0; y < height - 1; y++) {
    const row = y * width;
    for (let x = 0; x < width - 1; x++) {
      const i = row + x;
      const a = labels[i]!;
      const e = labels[i + 1]!;
      const s = labels[i + width]!;
      const se = labels[i + width + 1]!;
      if (a === e && a === s && a === se) continue;
      add(a, i);
      if (e !== a) add(e, i);
      if (s !== a && s !== e) add(s, i);
      if (se !== a && se !== e && se !== s) add(se, i);
    }
    // Last column: compared with the pixel below only.
    const i = row + width - 1;
    const a = labels[i]!;
    const s = labels[i + width]!;
    if (a !== s) {
      add(a, i);
      add(s, i);
    }
  }
  // Last row: compared with the pixel to the right only; the bottom-right pixel never counts.
  if (height > 0) {
    const row = (height - 1) * width;
    for (let x = 0; x < width - 1; x++) {
      const i = row + x;
      const a = labels[i]!;
      const e = labels[i + 1]!;
      if (a !== e) {
        add(a, i);
        add(e, i);
      }
    }
  }
  return pixels;
}
