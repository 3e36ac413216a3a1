/**
 * Decoder masks live on the token grid [K, h, w]; the runtimes bring them to the frame size with
 * PyTorch's `F.interpolate(masks, size=(H, W), mode="bilinear", align_corners=False)`
 * (half-pixel centres, docs/MODEL_BUNDLE.md) and take the argmax over slots.
 */
import { InputError } from '../errors/index.js';
import { bilinearTable, type ResampleTable } from '../image/bicubicKernel.js';
import { resampleAxis, resizeBilinear } from '../image/resize.js';

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
 * Pruning (exact): an output pixel interpolates the four grid corners of its cell,
 * up_k = Σ_c λ_c·m_k[c] with λ_c ≥ 0, Σ λ_c = 1. If some slot j beats slot k at all four corners
 * by more than ε = 1e-6·(1 + max|m|), then up_j − up_k = Σ_c λ_c (m_j[c] − m_k[c]) > ε, far above
 * the float32 rounding of up, so k can win nowhere in the cell. Each cell keeps the slots that no
 * corner's leader rules out this way, in slot order; the pixels of a cell that keeps one slot are
 * filled with it as a run, the others evaluate up_k (x pass then y pass, rounded as
 * `upsampleMasks`) for the kept slots only. Inside objects cells keep one slot; only cells on
 * object boundaries pay for a (short) argmax.
 * Tables and scratch are kept for the last frame size, so a video pays for them once.
 */
export class LabelMapper {
  readonly slots: number;
  readonly height: number;
  readonly width: number;
  readonly offset: number;
  private rows: ResampleTable | undefined;
  private cols: ResampleTable | undefined;
  /** Per grid cell: how many slots it keeps, and which ([cell·K + i], slot order). */
  private readonly keptCount: Uint16Array;
  private readonly kept: Uint8Array;
  /** First output column of each grid column's cells (w + 1 entries) for the current width. */
  private colStart = new Int32Array(0);
  /** x pass of the masks, slot-minor [h, outW, K], so a pixel's kept slots are adjacent. */
  private tmp = new Float64Array(0);

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
    this.keptCount = new Uint16Array(height * width);
    this.kept = new Uint8Array(height * width * slots);
  }

  /** The label map [outH, outW] of `masks` [K, h, w] (rule in the class comment), into `out` when given. */
  run(masks: ArrayLike<number>, outHeight: number, outWidth: number, out?: Uint8Array): Uint8Array {
    const { slots: k, height: h, width: w, offset, kept, keptCount } = this;
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
    if (this.cols?.outSize !== outWidth) {
      this.cols = bilinearTable(w, outWidth);
      // Output columns of grid column c: those whose left tap is c (non-decreasing in x).
      this.colStart = new Int32Array(w + 1).fill(outWidth);
      for (let x = outWidth - 1; x >= 0; x--) this.colStart[this.cols.index[2 * x]!] = x;
      for (let c = w - 1; c >= 0; c--) this.colStart[c] = Math.min(this.colStart[c]!, this.colStart[c + 1]!);
    }
    const rows = this.rows;
    const cols = this.cols;
    const colStart = this.colStart;
    const labels = out ?? new Uint8Array(outHeight * outWidth);
    if (labels.length !== outHeight * outWidth) {
      throw new InputError(
        'label map output',
        `has ${labels.length} entries, expected ${outHeight * outWidth}`,
      );
    }

    // The slots each cell keeps (pruning rule in the class comment).
    const eps = 1e-6 * (1 + scale);
    const corners = [0, 0, 0, 0];
    let mixed = false;
    const leaders = [0, 0, 0, 0];
    for (let r = 0; r < h; r++) {
      const r1 = Math.min(r + 1, h - 1);
      for (let c = 0; c < w; c++) {
        const c1 = Math.min(c + 1, w - 1);
        corners[0] = r * w + c;
        corners[1] = r * w + c1;
        corners[2] = r1 * w + c;
        corners[3] = r1 * w + c1;
        for (let q = 0; q < 4; q++) {
          let arg = 0;
          for (let j = 1; j < k; j++)
            if (masks[j * n + corners[q]!]! > masks[arg * n + corners[q]!]!) arg = j;
          leaders[q] = arg;
        }
        const cell = r * w + c;
        let count = 0;
        for (let j = 0; j < k; j++) {
          let ruledOut = false;
          for (let l = 0; l < 4 && !ruledOut; l++) {
            const lead = leaders[l]!;
            if (lead === j) continue;
            ruledOut = corners.every((g) => masks[lead * n + g]! - masks[j * n + g]! > eps);
          }
          if (!ruledOut) kept[cell * k + count++] = j;
        }
        keptCount[cell] = count;
        if (count > 1) mixed = true;
      }
    }

    // x pass (only needed when some cell keeps several slots), slot-minor: tmp[(r·outW + x)·K + j].
    const ow = outWidth;
    if (mixed) {
      if (this.tmp.length < h * ow * k) this.tmp = new Float64Array(h * ow * k);
      resampleAxis(masks, { outer: h, outerStride: w, step: 1, inner: k, innerStride: n }, cols, this.tmp, {
        outerStride: ow * k,
        step: k,
        innerStride: 1,
      });
    }
    const tmp = this.tmp;

    for (let y = 0; y < outHeight; y++) {
      const r0 = rows.index[2 * y]!;
      const a0 = r0 * ow;
      const a1 = rows.index[2 * y + 1]! * ow;
      const wy0 = rows.weight[2 * y]!;
      const wy1 = rows.weight[2 * y + 1]!;
      const row = y * ow;
      for (let c = 0; c < w; c++) {
        const cell = r0 * w + c;
        const count = keptCount[cell]!;
        const first = cell * k;
        const x0 = colStart[c]!;
        const x1 = colStart[c + 1]!;
        if (count === 1) {
          labels.fill(kept[first]! + offset, row + x0, row + x1);
          continue;
        }
        for (let x = x0; x < x1; x++) {
          const top = (a0 + x) * k;
          const bottom = (a1 + x) * k;
          let best = Number.NEGATIVE_INFINITY;
          let arg = 0;
          for (let i = 0; i < count; i++) {
            const j = kept[first + i]!;
            // The y pass, rounded to float32 as upsampleMasks does.
            const v = Math.fround(wy0 * tmp[top + j]! + wy1 * tmp[bottom + j]!);
            if (v > best) {
              best = v;
              arg = j;
            }
          }
          labels[row + x] = arg + offset;
        }
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
