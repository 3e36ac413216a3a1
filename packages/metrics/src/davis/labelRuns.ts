import { InputError } from '@slotmatch/core';
import type { LabelArray } from '../png/labelMap.js';

/**
 * A label map as horizontal runs: row y holds runs `rowStart[y] .. rowStart[y+1] − 1`; run r starts
 * at column `x[r]` (the first run of a row at 0) and ends where the row's next run starts (or at W).
 * Label maps of masks are piecewise constant, so a frame has a few runs per row and every per-frame
 * DAVIS quantity (contingency counts, boundaries) is computed from runs instead of pixels.
 */
export interface LabelRuns {
  readonly width: number;
  readonly height: number;
  readonly rowStart: Int32Array;
  readonly x: Int32Array;
  readonly label: Int32Array;
}

/** End column (exclusive) of run r. */
export function runEnd(runs: LabelRuns, r: number): number {
  return r + 1 < runs.x.length && runs.x[r + 1]! > runs.x[r]! ? runs.x[r + 1]! : runs.width;
}

/** Growable pair of run arrays. */
class RunBuilder {
  x = new Int32Array(4096);
  label = new Int32Array(4096);
  n = 0;

  push(x: number, label: number): void {
    if (this.n === this.x.length) {
      const x2 = new Int32Array(this.n * 2);
      const l2 = new Int32Array(this.n * 2);
      x2.set(this.x);
      l2.set(this.label);
      this.x = x2;
      this.label = l2;
    }
    this.x[this.n] = x;
    this.label[this.n++] = label;
  }
}

/**
 * Run-length encode a label map row by row. Labels must be non-negative integers: a negative label
 * is an `InputError` naming `name`.
 */
export function labelRuns(labels: LabelArray, width: number, height: number, name: string): LabelRuns {
  const out = new RunBuilder();
  const rowStart = new Int32Array(height + 1);
  // Byte labels: skip four equal labels at a time through a 32-bit view (masks are mostly uniform).
  const words =
    labels instanceof Uint8Array && labels.byteOffset % 4 === 0
      ? new Uint32Array(labels.buffer, labels.byteOffset, labels.length >> 2)
      : null;
  for (let y = 0; y < height; y++) {
    rowStart[y] = out.n;
    const row = y * width;
    const rowEnd = row + width;
    let prev = labels[row]!;
    out.push(0, prev);
    let i = row + 1;
    while (i < rowEnd) {
      if (words && (i & 3) === 0) {
        const repeated = prev * 0x01010101;
        const wordEnd = rowEnd >> 2;
        let w = i >> 2;
        while (w < wordEnd && words[w] === repeated) w++;
        i = w << 2;
        if (i >= rowEnd) break;
      }
      const v = labels[i]!;
      if (v !== prev) {
        out.push(i - row, v);
        prev = v;
      }
      i++;
    }
  }
  rowStart[height] = out.n;
  for (let r = 0; r < out.n; r++) {
    if (out.label[r]! < 0)
      throw new InputError(name, `label ${out.label[r]} is negative (labels are ids ≥ 0)`);
  }
  return { width, height, rowStart, x: out.x.subarray(0, out.n), label: out.label.subarray(0, out.n) };
}

/**
 * Visit the segments over which row `ya` of `A` and row `yb` of `B` are both constant, left to
 * right: `visit(x0, x1, a, b, aNext, bNext)` for columns [x0, x1) with labels a (in `A`) and b (in
 * `B`); `aNext`, `bNext` are the labels at column x1 (−1 at the end of the row).
 */
export function forEachSegment(
  A: LabelRuns,
  ya: number,
  B: LabelRuns,
  yb: number,
  visit: (x0: number, x1: number, a: number, b: number, aNext: number, bNext: number) => void,
): void {
  const width = A.width;
  let ia = A.rowStart[ya]!;
  let ib = B.rowStart[yb]!;
  const endA = A.rowStart[ya + 1]!;
  const endB = B.rowStart[yb + 1]!;
  let x0 = 0;
  while (x0 < width) {
    const nextA = ia + 1 < endA ? A.x[ia + 1]! : width;
    const nextB = ib + 1 < endB ? B.x[ib + 1]! : width;
    const x1 = Math.min(nextA, nextB);
    const a = A.label[ia]!;
    const b = B.label[ib]!;
    if (x1 === nextA) ia++;
    if (x1 === nextB) ib++;
    visit(x0, x1, a, b, x1 === width ? -1 : A.label[ia]!, x1 === width ? -1 : B.label[ib]!);
    x0 = x1;
  }
}

/** Runs of `combine(a, b)` over the segments of two run sets of the same size (adjacent equal runs merged). */
export function combineRuns(
  A: LabelRuns,
  B: LabelRuns,
  combine: (a: number, b: number) => number,
): LabelRuns {
  const out = new RunBuilder();
  const rowStart = new Int32Array(A.height + 1);
  for (let y = 0; y < A.height; y++) {
    rowStart[y] = out.n;
    const first = out.n;
    forEachSegment(A, y, B, y, (x0, _x1, a, b) => {
      const v = combine(a, b);
      if (out.n === first || out.label[out.n - 1] !== v) out.push(x0, v);
    });
  }
  rowStart[A.height] = out.n;
  return {
    width: A.width,
    height: A.height,
    rowStart,
    x: out.x.subarray(0, out.n),
    label: out.label.subarray(0, out.n),
  };
}

/**
 * Boundary pixels of every label 1..maxLabel, from runs — the same result as
 * {@link boundaryPixels} on the pixels (seg2bmap per label mask), at a cost proportional to the
 * number of runs and boundary pixels. Inside a segment where rows y and y+1 are constant (a above
 * b), every pixel but the last compares a with a (east) and b (south, south-east): a boundary pixel
 * of a and b exactly when a ≠ b. The segment's last pixel is checked against its east neighbours.
 */
export function runBoundaryPixels(runs: LabelRuns, maxLabel: number): number[][] {
  const { width, height } = runs;
  const pixels: number[][] = Array.from({ length: maxLabel }, () => []);
  const add = (label: number, i: number) => {
    if (label >= 1 && label <= maxLabel) pixels[label - 1]!.push(i);
  };
  const addRange = (label: number, from: number, to: number) => {
    if (label < 1 || label > maxLabel) return;
    const list = pixels[label - 1]!;
    for (let i = from; i <= to; i++) list.push(i);
  };
  let row = 0;
  // A segment of constant a above constant s: each pixel but the last compares a (east) and s
  // (south, south-east); the last one compares with the next segment's labels e and se.
  const segment = (x0: number, x1: number, a: number, s: number, e: number, se: number) => {
    if (a !== s && x1 - 1 > x0) {
      addRange(a, row + x0, row + x1 - 2);
      addRange(s, row + x0, row + x1 - 2);
    }
    const i = row + x1 - 1;
    if (e === -1) {
      // Last column: compared with the pixel below only.
      if (a !== s) {
        add(a, i);
        add(s, i);
      }
    } else if (a !== e || a !== s || a !== se) {
      add(a, i);
      if (e !== a) add(e, i);
      if (s !== a && s !== e) add(s, i);
      if (se !== a && se !== e && se !== s) add(se, i);
    }
  };
  for (let y = 0; y < height - 1; y++) {
    row = y * width;
    forEachSegment(runs, y, runs, y + 1, segment);
  }
  // Last row: compared with the pixel to the right only; the bottom-right pixel never counts.
  if (height > 0) {
    const row = (height - 1) * width;
    const end = runs.rowStart[height]!;
    for (let r = runs.rowStart[height - 1]!; r + 1 < end; r++) {
      const a = runs.label[r]!;
      const e = runs.label[r + 1]!;
      if (a !== e) {
        const i = row + runs.x[r + 1]! - 1;
        add(a, i);
        add(e, i);
      }
    }
  }
  return pixels;
}
