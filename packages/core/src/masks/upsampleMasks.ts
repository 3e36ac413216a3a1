/**
 * Decoder masks live on the token grid [K, h, w]; the runtimes bring them to the frame size with
 * PyTorch's `F.interpolate(masks, size=(H, W), mode="bilinear", align_corners=False)`
 * (half-pixel centres, docs/MODEL_BUNDLE.md) and take the argmax over slots.
 */
import { InputError } from '../errors/index.js';
import { bilinearTable, type ResampleTable } from '../image/bicubicKernel.js';
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
 * Label maps of soft masks on one token grid [K, h, w] at the frame size:
 *
 *     label[y, x] = offset + argmax_k up_k[y, x],   up = bilinear upsampling (file header),
 *
 * first maximum on ties, without materialising the K·H·W upsampled masks. The values compared are
 * the exact bilinear values in float64, so the labels equal `argmaxSlots(upsampleMasks(…))`
 * except where two slots' upsampled values lie within float32 rounding of each other (a tie for
 * every purpose: PyTorch's own float32 kernel orders them differently again).
 *
 * Pruning: an output pixel interpolates the four grid corners of its cell,
 * up_k = Σ_c λ_c·m_k[c] with λ_c ≥ 0, Σ λ_c = 1. If some slot j beats slot k at all four corners
 * by more than ε = 1e-6·(1 + max|m|), then up_j − up_k = Σ_c λ_c (m_j[c] − m_k[c]) > ε, so k can
 * win nowhere in the cell; nor can a slot whose four corner values equal those of a lower kept
 * slot (equal everywhere, and ties go to the lower slot). The pixels of a cell that keeps one slot
 * are filled with it as a run. In a cell that keeps several, each kept slot is, along an output
 * row, a line in the column weight λ: up_j = (1 − λ)·a_j + λ·b_j, and the label follows the upper
 * envelope of those lines: from a pixel's leader, the next λ where another line overtakes it is
 * solved in closed form and the pixels before it are filled at once. The cost per row is a few
 * line evaluations per boundary cell, not K values per pixel. Tables and scratch are kept for the
 * last frame size, so a video pays for them once.
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
  /** Per kept slot of the current cell row: its value at the cell's left (a) and right (b) columns. */
  private readonly lineA: Float64Array;
  private readonly lineB: Float64Array;

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
    this.lineA = new Float64Array(slots);
    this.lineB = new Float64Array(slots);
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
    const labels = out ?? new Uint8Array(outHeight * outWidth);
    if (labels.length !== outHeight * outWidth) {
      throw new InputError(
        'label map output',
        `has ${labels.length} entries, expected ${outHeight * outWidth}`,
      );
    }
    const eps = 1e-6 * (1 + scale);
    const grid: Grid = { masks, k, h, w, n, eps };
    pruneCells(grid, kept, keptCount);
    const rows = this.rows;
    const colStart = this.colStart;
    const line: CellLine = { a: this.lineA, b: this.lineB, cols: this.cols, offset, labels };
    for (let y = 0; y < outHeight; y++) {
      const r0 = rows.index[2 * y]! * w;
      const r1 = rows.index[2 * y + 1]! * w;
      const wy0 = rows.weight[2 * y]!;
      const wy1 = rows.weight[2 * y + 1]!;
      const row = y * outWidth;
      for (let c = 0; c < w; c++) {
        const cell = r0 + c;
        const count = keptCount[cell]!;
        const x0 = colStart[c]!;
        const x1 = colStart[c + 1]!;
        if (count === 1) {
          const label = kept[cell * k]! + offset;
          for (let i = row + x0; i < row + x1; i++) labels[i] = label;
        } else if (x0 < x1) {
          labelCellRow(grid, line, kept, cell * k, count, r0, r1, c, wy0, wy1, row, x0, x1);
        }
      }
    }
    return labels;
  }
}

/** The masks of one frame and the sizes the helpers below share. */
interface Grid {
  readonly masks: ArrayLike<number>;
  readonly k: number;
  readonly h: number;
  readonly w: number;
  /** h·w */
  readonly n: number;
  /** The margin ε of the pruning rule. */
  readonly eps: number;
}

/** Scratch and outputs of {@link labelCellRow}. */
interface CellLine {
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly cols: ResampleTable;
  readonly offset: number;
  readonly labels: Uint8Array;
}

/** For every cell, the slots that no corner's leader beats at all four corners by more than ε. */
function pruneCells(grid: Grid, kept: Uint8Array, keptCount: Uint16Array): void {
  const { masks, k, h, w, n, eps } = grid;
  for (let r = 0; r < h; r++) {
    const r1 = Math.min(r + 1, h - 1);
    for (let c = 0; c < w; c++) {
      const c1 = Math.min(c + 1, w - 1);
      const g0 = r * w + c;
      const g1 = r * w + c1;
      const g2 = r1 * w + c;
      const g3 = r1 * w + c1;
      const l0 = leaderAt(masks, k, n, g0);
      const l1 = leaderAt(masks, k, n, g1);
      const l2 = leaderAt(masks, k, n, g2);
      const l3 = leaderAt(masks, k, n, g3);
      const cell = r * w + c;
      let count = 0;
      for (let j = 0; j < k; j++) {
        const out =
          beatsEverywhere(masks, n, l0, j, g0, g1, g2, g3, eps) ||
          beatsEverywhere(masks, n, l1, j, g0, g1, g2, g3, eps) ||
          beatsEverywhere(masks, n, l2, j, g0, g1, g2, g3, eps) ||
          beatsEverywhere(masks, n, l3, j, g0, g1, g2, g3, eps);
        if (!out && !copiesKept(masks, n, kept, cell * k, count, j, g0, g1, g2, g3))
          kept[cell * k + count++] = j;
      }
      keptCount[cell] = count;
    }
  }
}

/**
 * Whether slot j has exactly the corner values of a slot already kept: its upsampled values then
 * equal that slot's at every pixel of the cell, and the earlier slot wins every tie.
 */
function copiesKept(
  masks: ArrayLike<number>,
  n: number,
  kept: Uint8Array,
  first: number,
  count: number,
  j: number,
  g0: number,
  g1: number,
  g2: number,
  g3: number,
): boolean {
  const b = j * n;
  for (let i = 0; i < count; i++) {
    const a = kept[first + i]! * n;
    if (
      masks[a + g0] === masks[b + g0] &&
      masks[a + g1] === masks[b + g1] &&
      masks[a + g2] === masks[b + g2] &&
      masks[a + g3] === masks[b + g3]
    ) {
      return true;
    }
  }
  return false;
}

/** argmax_j masks[j, g] (first maximum). */
function leaderAt(masks: ArrayLike<number>, k: number, n: number, g: number): number {
  let arg = 0;
  for (let j = 1; j < k; j++) if (masks[j * n + g]! > masks[arg * n + g]!) arg = j;
  return arg;
}

/** Whether slot `l` exceeds slot `j` by more than ε at all four corners. */
function beatsEverywhere(
  masks: ArrayLike<number>,
  n: number,
  l: number,
  j: number,
  g0: number,
  g1: number,
  g2: number,
  g3: number,
  eps: number,
): boolean {
  if (l === j) return false;
  const a = l * n;
  const b = j * n;
  return (
    masks[a + g0]! - masks[b + g0]! > eps &&
    masks[a + g1]! - masks[b + g1]! > eps &&
    masks[a + g2]! - masks[b + g2]! > eps &&
    masks[a + g3]! - masks[b + g3]! > eps
  );
}

/**
 * Labels of the output pixels x0 … x1 − 1 of one row inside a cell that keeps several slots (rule
 * in the class comment): runs of the upper envelope of the kept slots' lines.
 */
function labelCellRow(
  grid: Grid,
  line: CellLine,
  kept: Uint8Array,
  first: number,
  count: number,
  r0: number,
  r1: number,
  c: number,
  wy0: number,
  wy1: number,
  row: number,
  x0: number,
  x1: number,
): void {
  const { masks, n, w } = grid;
  const { a, b, cols, offset, labels } = line;
  // Along the row every kept slot is a line in λ (the weight of column c + 1): up_j = (1 − λ)·a_j + λ·b_j.
  const c1 = Math.min(c + 1, w - 1);
  for (let i = 0; i < count; i++) {
    const base = kept[first + i]! * n;
    a[i] = wy0 * masks[base + r0 + c]! + wy1 * masks[base + r1 + c]!;
    b[i] = wy0 * masks[base + r0 + c1]! + wy1 * masks[base + r1 + c1]!;
  }
  let x = x0;
  while (x < x1) {
    // The leader at this pixel (first maximum), then the λ where another line overtakes it.
    const lambda = cols.weight[2 * x + 1]!;
    let lead = 0;
    let top = a[0]! + lambda * (b[0]! - a[0]!);
    for (let i = 1; i < count; i++) {
      const v = a[i]! + lambda * (b[i]! - a[i]!);
      if (v > top) {
        top = v;
        lead = i;
      }
    }
    const slope = b[lead]! - a[lead]!;
    let end = Number.POSITIVE_INFINITY;
    for (let i = 0; i < count; i++) {
      const s = slope - (b[i]! - a[i]!);
      // Line i gains on the leader: it catches up at λ + gap/(−s).
      if (i !== lead && s < 0) end = Math.min(end, lambda + (top - (a[i]! + lambda * (b[i]! - a[i]!))) / -s);
    }
    const label = kept[first + lead]! + offset;
    do labels[row + x++] = label;
    while (x < x1 && cols.weight[2 * x + 1]! < end);
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
