/**
 * Decoder masks live on the token grid [K, h, w]; the runtimes bring them to the frame size with
 * PyTorch's `F.interpolate(masks, size=(H, W), mode="bilinear", align_corners=False)`
 * (half-pixel centres, docs/MODEL_BUNDLE.md) and take the argmax over slots.
 */
import { InputError } from '../errors/index.js';
import { bilinearTable } from '../image/bicubicKernel.js';
import { resizeBilinear } from '../image/resize.js';

function checkGrid(masks: ArrayLike<number>, slots: number, height: number, width: number): void {
  for (const [name, v] of [
    ['slot count', slots],
    ['grid height', height],
    ['grid width', width],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new InputError('masks', `${name} must be a positive integer, got ${v}`);
  }
  if (masks.length !== slots * height * width) {
    throw new InputError('masks', `has ${masks.length} values, expected K×h×w = ${slots}×${height}×${width}`);
  }
}

/** Soft masks [K, h, w] → [K, outH, outW], bilinear with half-pixel centres (file header). */
export function upsampleMasks(
  masks: ArrayLike<number>,
  slots: number,
  height: number,
  width: number,
  outHeight: number,
  outWidth: number,
): Float32Array {
  checkGrid(masks, slots, height, width);
  return resizeBilinear(masks, slots, height, width, outHeight, outWidth);
}

/**
 * Label map [outH, outW] of soft masks [K, h, w]: offset + argmax_k of the bilinear upsampled
 * masks (first maximum on ties) — the same values as `argmaxSlots(upsampleMasks(…))` without
 * materialising the K·outH·outW upsampled masks (only K·h·outW scratch).
 */
export function masksToLabelMap(
  masks: ArrayLike<number>,
  slots: number,
  height: number,
  width: number,
  outHeight: number,
  outWidth: number,
  offset = 0,
): Uint8Array {
  checkGrid(masks, slots, height, width);
  if (!Number.isInteger(offset) || offset < 0 || slots + offset > 256) {
    throw new InputError(
      'masksToLabelMap',
      `labels offset … offset + ${slots - 1} must fit in 0…255 (offset ${offset})`,
    );
  }
  const rows = bilinearTable(height, outHeight);
  const cols = bilinearTable(width, outWidth);
  const tmp = new Float64Array(slots * height * outWidth);
  for (let k = 0; k < slots; k++) {
    for (let y = 0; y < height; y++) {
      const src = (k * height + y) * width;
      const dst = (k * height + y) * outWidth;
      for (let x = 0; x < outWidth; x++) {
        const v =
          cols.weight[2 * x]! * masks[src + cols.index[2 * x]!]! +
          cols.weight[2 * x + 1]! * masks[src + cols.index[2 * x + 1]!]!;
        if (Number.isNaN(v)) throw new InputError('masks', `NaN in slot ${k}, grid row ${y}`);
        tmp[dst + x] = v;
      }
    }
  }
  const labels = new Uint8Array(outHeight * outWidth);
  // Row by row, slot by slot over contiguous x: running maximum and its slot per column.
  const best = new Float64Array(outWidth);
  const arg = new Uint8Array(outWidth);
  const plane = height * outWidth;
  for (let y = 0; y < outHeight; y++) {
    const r0 = rows.index[2 * y]! * outWidth;
    const r1 = rows.index[2 * y + 1]! * outWidth;
    const w0 = rows.weight[2 * y]!;
    const w1 = rows.weight[2 * y + 1]!;
    best.fill(Number.NEGATIVE_INFINITY);
    arg.fill(0);
    for (let k = 0; k < slots; k++) {
      const a = k * plane + r0;
      const b = k * plane + r1;
      for (let x = 0; x < outWidth; x++) {
        // Rounded to float32 like the upsampled masks, so ties resolve as argmaxSlots(upsampleMasks(…)).
        const v = Math.fround(w0 * tmp[a + x]! + w1 * tmp[b + x]!);
        if (v > best[x]!) {
          best[x] = v;
          arg[x] = k;
        }
      }
    }
    const row = y * outWidth;
    for (let x = 0; x < outWidth; x++) labels[row + x] = arg[x]! + offset;
  }
  return labels;
}
