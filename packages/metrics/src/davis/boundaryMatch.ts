/**
 * Boundary matching within the disk tolerance, by distance queries instead of dilated bitmaps:
 * |A ∧ dil_r(B)| (davis2017-evaluation `f_measure`: `fg_boundary * gt_dil`) counts the pixels of
 * boundary A that have a pixel of boundary B within the disk {dx² + dy² ≤ r²} — the disk is
 * symmetric, so p ∈ dil_r(B) ⇔ some q ∈ B lies in p's disk. Looking up B's pixels row by row
 * (row p_y + dy, columns within ±⌊√(r² − dy²)⌋ of p_x) gives exactly the same count as painting
 * the dilation, at a cost proportional to the boundary lengths and nothing per image pixel.
 */

/** A boundary (pixel indices y·W + x, ascending) arranged by rows for {@link countWithinDisk}. */
export interface BoundaryIndex {
  /** Number of boundary pixels. */
  readonly count: number;
  /** Columns of the pixels of row y: `xs[rowStart[y] .. rowStart[y+1] − 1]`, ascending. */
  readonly rowStart: Int32Array;
  readonly xs: Int32Array;
  /** Bounding box of the pixels (empty boundary: minY > maxY). */
  readonly minX: number;
  readonly maxX: number;
  readonly minY: number;
  readonly maxY: number;
}

/** Arrange ascending boundary pixel indices of a `width × height` image by rows. */
export function indexBoundary(pixels: readonly number[], width: number, height: number): BoundaryIndex {
  const n = pixels.length;
  const rowStart = new Int32Array(height + 1);
  const xs = new Int32Array(n);
  let minX = width;
  let maxX = -1;
  let y = 0;
  for (let k = 0; k < n; k++) {
    const i = pixels[k]!;
    const py = Math.floor(i / width);
    while (y < py) rowStart[++y] = k;
    const x = i - py * width;
    xs[k] = x;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
  }
  while (y < height) rowStart[++y] = n;
  const minY = n === 0 ? height : Math.floor(pixels[0]! / width);
  const maxY = n === 0 ? -1 : Math.floor(pixels[n - 1]! / width);
  return { count: n, rowStart, xs, minX, maxX, minY, maxY };
}

/**
 * |from ∧ dil_r(to)|: the pixels of `from` with a pixel of `to` at (dx, dy), dx² + dy² ≤ r², where
 * `spans[dy + r]` = ⌊√(r² − dy²)⌋ ({@link diskSpans}). Disjoint bounding boxes (grown by r) give 0
 * at once.
 */
export function countWithinDisk(from: BoundaryIndex, to: BoundaryIndex, spans: Int32Array): number {
  const r = (spans.length - 1) >> 1;
  if (from.count === 0 || to.count === 0) return 0;
  if (
    from.minX > to.maxX + r ||
    to.minX > from.maxX + r ||
    from.minY > to.maxY + r ||
    to.minY > from.maxY + r
  ) {
    return 0;
  }
  const { rowStart, xs } = to;
  // Rows nearest first (dy = 0, 1, −1, 2, −2, …): a matched pixel usually stops early.
  const order = Int32Array.from({ length: 2 * r + 1 }, (_, k) => (k % 2 === 1 ? (k + 1) >> 1 : -(k >> 1)));
  // ptr[dy + r]: first column of row p_y + dy not left of the current pixel's span (columns of
  // `from` ascend along a row, so each pointer only moves right).
  const ptr = new Int32Array(2 * r + 1);
  let matched = 0;
  for (let py = from.minY; py <= from.maxY; py++) {
    const kFrom = from.rowStart[py]!;
    const kTo = from.rowStart[py + 1]!;
    if (kFrom === kTo || py + r < to.minY || py - r > to.maxY) continue;
    for (let dy = -r; dy <= r; dy++) {
      const y = py + dy;
      ptr[dy + r] = y >= 0 && y < rowStart.length - 1 ? rowStart[y]! : 0;
    }
    for (let k = kFrom; k < kTo; k++) {
      const px = from.xs[k]!;
      for (let o = 0; o < order.length; o++) {
        const dy = order[o]!;
        const y = py + dy;
        if (y < to.minY || y > to.maxY) continue;
        const end = rowStart[y + 1]!;
        let q = ptr[dy + r]!;
        const s = spans[dy + r]!;
        const left = px - s;
        while (q < end && xs[q]! < left) q++;
        ptr[dy + r] = q;
        if (q < end && xs[q]! <= px + s) {
          matched++;
          break;
        }
      }
    }
  }
  return matched;
}
