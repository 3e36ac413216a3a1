/**
 * DAVIS boundary measure F, as davis2017-evaluation `metrics.f_measure` computes it
 * (`../shared/spec/METRICS.md`, "F (boundary) per frame").
 */
import { indexBoundaries, matchBoundaries } from './boundaryMatch.js';
import { diskSpans } from './dilateDisk.js';
import { labelRuns, runBoundaryPixels } from './labelRuns.js';

/** Boundary tolerance r = ceil(0.008 · sqrt(H² + W²)) (854×480 → 8). */
export function boundaryRadius(width: number, height: number): number {
  return Math.ceil(0.008 * Math.sqrt(height * height + width * width));
}

/** A binary mask as 0/1 labels (nonzero = inside), with void pixels (nonzero in `voidMask`) set to 0. */
function binary(mask: Uint8Array, voidMask?: Uint8Array): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] && !voidMask?.[i] ? 1 : 0;
  return out;
}

/** Boundary pixel indices (seg2bmap) of a binary mask (nonzero = inside; void pixels outside). */
function maskBoundary(mask: Uint8Array, width: number, height: number, voidMask?: Uint8Array): number[] {
  return runBoundaryPixels(labelRuns(binary(mask, voidMask), width, height, 'mask'), 1)[0]!;
}

/**
 * seg2bmap of a binary mask (nonzero = inside) as a 0/1 map: b = s≠east ∨ s≠south ∨ s≠south-east
 * for y < H−1, x < W−1; last row: s≠east only; last column: s≠south only; bottom-right pixel 0
 * (see {@link runBoundaryPixels}).
 */
export function boundaryMap(mask: Uint8Array, width: number, height: number): Uint8Array {
  const b = new Uint8Array(width * height);
  for (const i of maskBoundary(mask, width, height)) b[i] = 1;
  return b;
}

/**
 * F from boundary pixel counts: nf, ng = boundary pixels of the prediction and the GT;
 * fMatch = |fb ∧ dil(gb)|, gMatch = |gb ∧ dil(fb)|. P = fMatch/nf, R = gMatch/ng; both empty → 1;
 * only the prediction empty → P = 1, R = 0; only the GT empty → P = 0, R = 1;
 * F = 2PR/(P+R), 0 when P + R = 0.
 */
export function fMeasure(fMatch: number, nf: number, gMatch: number, ng: number): number {
  let precision: number;
  let recall: number;
  if (nf === 0 && ng > 0) [precision, recall] = [1, 0];
  else if (nf > 0 && ng === 0) [precision, recall] = [0, 1];
  else if (nf === 0 && ng === 0) [precision, recall] = [1, 1];
  else [precision, recall] = [fMatch / nf, gMatch / ng];
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/**
 * F for one frame of binary masks (nonzero = inside): boundaries (seg2bmap) of the prediction and
 * GT masks after setting void pixels to background, matched within the disk of radius
 * {@link boundaryRadius} ({@link matchBoundaries}), combined by {@link fMeasure}.
 */
export function boundaryF(
  pred: Uint8Array,
  gt: Uint8Array,
  width: number,
  height: number,
  voidMask?: Uint8Array,
): number {
  const fb = maskBoundary(pred, width, height, voidMask);
  const gb = maskBoundary(gt, width, height, voidMask);
  const spans = diskSpans(boundaryRadius(width, height));
  const f = indexBoundaries([fb], width, height);
  const g = indexBoundaries([gb], width, height);
  return fMeasure(matchBoundaries(f, g, spans)[0]!, fb.length, matchBoundaries(g, f, spans)[0]!, gb.length);
}
