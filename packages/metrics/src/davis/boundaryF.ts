/**
 * DAVIS boundary measure F, as davis2017-evaluation `metrics.f_measure` computes it
 * (`../shared/spec/METRICS.md`, "F (boundary) per frame").
 */

/** Boundary tolerance r = ceil(0.008 · sqrt(H² + W²)) (854×480 → 8). */
export function boundaryRadius(width: number, height: number): number {
  return Math.ceil(0.008 * Math.sqrt(height * height + width * width));
}

/**
 * seg2bmap: b = s≠east ∨ s≠south ∨ s≠south-east for y < H−1, x < W−1; last row: s≠east only;
 * last column: s≠south only; bottom-right pixel 0 (neighbours outside the image count as 0).
 */
export function boundaryMap(mask: Uint8Array, width: number, height: number): Uint8Array {
  const b = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const lastRow = y === height - 1;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      const s = mask[i]!;
      const lastCol = x === width - 1;
      const e = lastCol ? 0 : mask[i + 1]!;
      const so = lastRow ? 0 : mask[i + width]!;
      if (lastRow && lastCol) b[i] = 0;
      else if (lastRow) b[i] = s ^ e;
      else if (lastCol) b[i] = s ^ so;
      else b[i] = s ^ e || s ^ so || s ^ mask[i + width + 1]! ? 1 : 0;
    }
  }
  return b;
}

/** Half-widths of the disk {dx² + dy² ≤ r²} per row offset dy = −r..r. */
function diskSpans(r: number): Int32Array {
  const spans = new Int32Array(2 * r + 1);
  for (let dy = -r; dy <= r; dy++) spans[dy + r] = Math.floor(Math.sqrt(r * r - dy * dy));
  return spans;
}

/** Binary dilation by the disk of radius r; pixels outside the image never count. */
export function dilateDisk(b: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const spans = diskSpans(r);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!b[y * width + x]) continue;
      for (let dy = -r; dy <= r; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        const half = spans[dy + r]!;
        const x0 = Math.max(0, x - half);
        const x1 = Math.min(width - 1, x + half);
        out.fill(1, yy * width + x0, yy * width + x1 + 1);
      }
    }
  }
  return out;
}

/**
 * F for one frame: boundaries of the prediction and GT masks (void pixels set to background
 * first), P = |fb ∧ dil(gb)|/|fb|, R = |gb ∧ dil(fb)|/|gb|; both empty → 1; only the prediction
 * empty → P = 1, R = 0; only GT empty → P = 0, R = 1; F = 2PR/(P+R), 0 when P + R = 0.
 */
/** A mask's boundary, its dilation and its boundary pixel count, computed once and reused across pairs. */
export interface PreparedBoundary {
  readonly boundary: Uint8Array;
  readonly dilated: Uint8Array;
  readonly count: number;
}

/** Boundary map and disk dilation of a binary mask (void pixels set to background first). */
export function prepareBoundary(
  mask: Uint8Array,
  width: number,
  height: number,
  voidMask?: Uint8Array,
): PreparedBoundary {
  const m = voidMask ? mask.map((v, i) => (voidMask[i] ? 0 : v)) : mask;
  const boundary = boundaryMap(m, width, height);
  let count = 0;
  for (const v of boundary) count += v;
  return { boundary, dilated: dilateDisk(boundary, width, height, boundaryRadius(width, height)), count };
}

/** F from two prepared boundaries (see {@link boundaryF}). */
export function boundaryFPrepared(pred: PreparedBoundary, gt: PreparedBoundary): number {
  const nf = pred.count;
  const ng = gt.count;
  let fMatch = 0;
  let gMatch = 0;
  if (nf > 0 && ng > 0) {
    for (let i = 0; i < pred.boundary.length; i++) {
      if (pred.boundary[i] && gt.dilated[i]) fMatch++;
      if (gt.boundary[i] && pred.dilated[i]) gMatch++;
    }
  }
  let precision: number;
  let recall: number;
  if (nf === 0 && ng > 0) [precision, recall] = [1, 0];
  else if (nf > 0 && ng === 0) [precision, recall] = [0, 1];
  else if (nf === 0 && ng === 0) [precision, recall] = [1, 1];
  else [precision, recall] = [fMatch / nf, gMatch / ng];
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

export function boundaryF(
  pred: Uint8Array,
  gt: Uint8Array,
  width: number,
  height: number,
  voidMask?: Uint8Array,
): number {
  return boundaryFPrepared(
    prepareBoundary(pred, width, height, voidMask),
    prepareBoundary(gt, width, height, voidMask),
  );
}
