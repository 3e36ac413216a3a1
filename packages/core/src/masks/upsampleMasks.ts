/**
 * Decoder masks live on the token grid [K, h, w]; the runtimes bring them to the frame size with
 * PyTorch's `F.interpolate(masks, size=(H, W), mode="bilinear", align_corners=False)`
 * (half-pixel centres, docs/MODEL_BUNDLE.md) and take the argmax over slots.
 */
import { InputError } from '../errors/index.js';
import { bilinearTable, type ResampleTable } from '../image/bicubicKernel.js';
import { resampleRows, resizeBilinear } from '../image/resize.js';

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
 * Label maps of soft masks on one token grid [K, h, w] at the frame size:
 *
 *     label[y, x] = offset + argmax_k up_k[y, x],   up = bilinear upsampling (file header),
 *
 * first maximum on ties, the upsampled values rounded to float32 — so exactly
 * `argmaxSlots(upsampleMasks(…), K, offset)` — without materialising the K·H·W upsampled masks.
 *
 * Shortcut (exact): an output pixel interpolates the four grid corners of its cell,
 * up_k = Σ_c λ_c·m_k[c] with λ_c ≥ 0, Σ λ_c = 1. When one slot j beats every other slot at all
 * four corners by more than ε = 1e-6·(1 + max|m|), up_j − up_k = Σ_c λ_c (m_j[c] − m_k[c]) > ε,
 * far above the float32 rounding of up, so the pixel's label is j without evaluating K values.
 * Only pixels in cells where the dominant slot changes (object boundaries) pay for the full argmax.
 * Tables and scratch are kept for the last frame size, so a video pays for them once.
 */
export class LabelMapper {
  readonly slots: number;
  readonly height: number;
  readonly width: number;
  readonly offset: number;
  private rows: ResampleTable | undefined;
  private cols: ResampleTable | undefined;
  private tmp = new Float64Array(0);
  /** Per grid cell: its dominant slot when it wins at all four corners by more than ε, else −1. */
  private readonly cellLabel: Int16Array;
  private readonly dominant: Int16Array;
  private readonly margin: Float64Array;

  constructor(slots: number, height: number, width: number, offset = 0) {
    checkGrid({ length: slots * height * width }, slots, height, width);
    if (!Number.isInteger(offset) || offset < 0 || slots + offset > 256) {
      throw new InputError(
        'masksToLabelMap',
        `labels offset … offset + ${slots - 1} must fit in 0…255 (offset ${offset})`,
      );
    }
    this.slots = slots;
    this.height = height;
    this.width = width;
    this.offset = offset;
    this.cellLabel = new Int16Array(height * width);
    this.dominant = new Int16Array(height * width);
    this.margin = new Float64Array(height * width);
  }

  /** The label map [outH, outW] of `masks` [K, h, w] (rule in the class comment), into `out` when given. */
  run(masks: ArrayLike<number>, outHeight: number, outWidth: number, out?: Uint8Array): Uint8Array {
    const { slots: k, height: h, width: w, offset } = this;
    checkGrid(masks, k, h, w);
    const n = h * w;
    let scale = 0;
    for (let i = 0; i < masks.length; i++) {
      const v = masks[i]!;
      if (!Number.isFinite(v)) {
        throw new InputError('masks', `value ${v} in slot ${Math.floor(i / n)}, grid cell ${i % n}`);
      }
      if (Math.abs(v) > scale) scale = Math.abs(v);
    }
    if (this.rows?.outSize !== outHeight) this.rows = bilinearTable(h, outHeight);
    if (this.cols?.outSize !== outWidth) this.cols = bilinearTable(w, outWidth);
    const rows = this.rows;
    const cols = this.cols;
    const labels = out ?? new Uint8Array(outHeight * outWidth);
    if (labels.length !== outHeight * outWidth) {
      throw new InputError(
        'label map output',
        `has ${labels.length} entries, expected ${outHeight * outWidth}`,
      );
    }

    // Dominant slot and its margin over the runner-up at every grid position.
    const { dominant, margin, cellLabel } = this;
    for (let g = 0; g < n; g++) {
      let best = masks[g]!;
      let arg = 0;
      let second = Number.NEGATIVE_INFINITY;
      for (let j = 1; j < k; j++) {
        const v = masks[j * n + g]!;
        if (v > best) {
          second = best;
          best = v;
          arg = j;
        } else if (v > second) second = v;
      }
      dominant[g] = arg;
      margin[g] = best - second;
    }
    const eps = 1e-6 * (1 + scale);
    let mixed = false;
    for (let r = 0; r < h; r++) {
      const r1 = Math.min(r + 1, h - 1);
      for (let c = 0; c < w; c++) {
        const c1 = Math.min(c + 1, w - 1);
        const d = dominant[r * w + c]!;
        const corners = [r * w + c, r * w + c1, r1 * w + c, r1 * w + c1];
        const uniform = corners.every((g) => dominant[g] === d && margin[g]! > eps);
        cellLabel[r * w + c] = uniform ? d : -1;
        if (!uniform) mixed = true;
      }
    }

    // x pass of the slots' grids (only needed where some cell is mixed).
    const ow = outWidth;
    const plane = h * ow;
    if (mixed) {
      if (this.tmp.length < k * plane) this.tmp = new Float64Array(k * plane);
      resampleRows(masks, k, h, cols, this.tmp);
    }
    const tmp = this.tmp;
    for (let y = 0; y < outHeight; y++) {
      const r0 = rows.index[2 * y]!;
      const a0 = r0 * ow;
      const a1 = rows.index[2 * y + 1]! * ow;
      const w0 = rows.weight[2 * y]!;
      const w1 = rows.weight[2 * y + 1]!;
      const cellRow = r0 * w;
      const row = y * ow;
      for (let x = 0; x < ow; x++) {
        const cell = cellLabel[cellRow + cols.index[2 * x]!]!;
        if (cell >= 0) {
          labels[row + x] = cell + offset;
          continue;
        }
        let best = Number.NEGATIVE_INFINITY;
        let arg = 0;
        for (let j = 0; j < k; j++) {
          const base = j * plane + x;
          // Rounded to float32 like the upsampled masks, so ties resolve as argmaxSlots(upsampleMasks(…)).
          const v = Math.fround(w0 * tmp[base + a0]! + w1 * tmp[base + a1]!);
          if (v > best) {
            best = v;
            arg = j;
          }
        }
        labels[row + x] = arg + offset;
      }
    }
    return labels;
  }
}

/**
 * Label map [outH, outW] of soft masks [K, h, w]: offset + argmax_k of the bilinear upsampled
 * masks (first maximum on ties) — one-shot {@link LabelMapper.run}.
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
  return new LabelMapper(slots, height, width, offset).run(masks, outHeight, outWidth);
}
