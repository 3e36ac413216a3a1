/**
 * Boundary matching within the disk tolerance, by distance queries instead of dilated bitmaps.
 * davis2017-evaluation `f_measure` counts |A ∧ dil_r(B)| (`fg_boundary * gt_dil`): the pixels of
 * boundary A that have a pixel of boundary B within the disk {dx² + dy² ≤ r²} — the disk is
 * symmetric, so p ∈ dil_r(B) ⇔ some q ∈ B lies in p's disk. Looking B up row by row (row p_y + dy,
 * columns within ±⌊√(r² − dy²)⌋ of p_x) gives exactly the count of painting the dilation, at a cost
 * proportional to the boundary lengths and nothing per image pixel. All masks of a frame are
 * matched in one sweep: each pixel of A's boundaries collects the labels of B's boundaries near it.
 */

/** The boundary pixels of labels 1..L of one label map, arranged by rows. */
export interface LabelledBoundaries {
  /** Labels 1..L. */
  readonly labels: number;
  /** Boundary pixels per label (`count[k − 1]` for label k). */
  readonly count: Int32Array;
  /** Entries of row y: `rowStart[y] .. rowStart[y+1] − 1`, by column (a pixel on the boundary of two labels has two entries). */
  readonly rowStart: Int32Array;
  readonly xs: Int32Array;
  readonly label: Int32Array;
  /** Rows holding entries (empty: minY > maxY). */
  readonly minY: number;
  readonly maxY: number;
}

/** Arrange per-label boundary pixel lists (`pixels[k − 1]`: indices y·W + x of label k) by rows. */
export function indexBoundaries(
  pixels: readonly number[][],
  width: number,
  height: number,
): LabelledBoundaries {
  const labels = pixels.length;
  const count = Int32Array.from(pixels, (list) => list.length);
  const total = count.reduce((a, b) => a + b, 0);
  // Sort all entries by pixel index, then label: key = index·(L+1) + label (exact in a double).
  const keys = new Float64Array(total);
  let n = 0;
  pixels.forEach((list, k) => {
    for (const i of list) keys[n++] = i * (labels + 1) + k + 1;
  });
  let sorted = true;
  for (let e = 1; e < total && sorted; e++) sorted = keys[e - 1]! < keys[e]!;
  if (!sorted) keys.sort(); // one label, or labels in separate rows: already in order
  const rowStart = new Int32Array(height + 1);
  const xs = new Int32Array(total);
  const label = new Int32Array(total);
  let y = 0;
  for (let e = 0; e < total; e++) {
    const key = keys[e]!;
    const i = Math.floor(key / (labels + 1));
    const py = Math.floor(i / width);
    while (y < py) rowStart[++y] = e;
    xs[e] = i - py * width;
    label[e] = key - i * (labels + 1);
  }
  while (y < height) rowStart[++y] = total;
  const minY = total === 0 ? height : Math.floor(Math.floor(keys[0]! / (labels + 1)) / width);
  const maxY = total === 0 ? -1 : Math.floor(Math.floor(keys[total - 1]! / (labels + 1)) / width);
  return { labels, count, rowStart, xs, label, minY, maxY };
}

/**
 * `m[(a − 1)·L_B + b − 1]` = |A_a ∧ dil_r(B_b)| for every label a of `A` and b of `B`: the boundary
 * pixels of a with a pixel of b at (dx, dy), dx² + dy² ≤ r², where `spans[dy + r]` = ⌊√(r² − dy²)⌋
 * ({@link diskSpans}). Rows are searched nearest first, and a pixel stops as soon as it has met
 * every label B has.
 */
export function matchBoundaries(A: LabelledBoundaries, B: LabelledBoundaries, spans: Int32Array): Int32Array {
  const r = (spans.length - 1) >> 1;
  const nb = B.labels;
  const matched = new Int32Array(A.labels * nb);
  let present = 0;
  for (const c of B.count) if (c > 0) present++;
  if (present === 0) return matched;
  const { rowStart, xs, label } = B;
  const order = Int32Array.from({ length: 2 * r + 1 }, (_, k) => (k % 2 === 1 ? (k + 1) >> 1 : -(k >> 1)));
  // ptr[dy + r]: first entry of row p_y + dy not left of the current pixel's span (A's entries
  // ascend along a row, so each pointer only moves right).
  const ptr = new Int32Array(2 * r + 1);
  const seen = new Int32Array(nb + 1);
  let query = 0;
  const yFrom = Math.max(A.minY, B.minY - r);
  const yTo = Math.min(A.maxY, B.maxY + r);
  for (let py = yFrom; py <= yTo; py++) {
    const eFrom = A.rowStart[py]!;
    const eTo = A.rowStart[py + 1]!;
    if (eFrom === eTo) continue;
    for (let dy = -r; dy <= r; dy++) {
      const y = py + dy;
      ptr[dy + r] = y >= B.minY && y <= B.maxY ? rowStart[y]! : 0;
    }
    for (let e = eFrom; e < eTo; e++) {
      const px = A.xs[e]!;
      const row = (A.label[e]! - 1) * nb;
      query++;
      let found = 0;
      for (let o = 0; o < order.length && found < present; o++) {
        const dy = order[o]!;
        const y = py + dy;
        if (y < B.minY || y > B.maxY) continue;
        const end = rowStart[y + 1]!;
        const s = spans[dy + r]!;
        const left = px - s;
        let q = ptr[dy + r]!;
        while (q < end && xs[q]! < left) q++;
        ptr[dy + r] = q;
        for (let k = q; k < end && xs[k]! <= px + s; k++) {
          const b = label[k]!;
          if (seen[b] !== query) {
            seen[b] = query;
            matched[row + b - 1] = matched[row + b - 1]! + 1;
            if (++found === present) break;
          }
        }
      }
    }
  }
  return matched;
}
