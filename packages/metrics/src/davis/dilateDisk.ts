/**
 * Binary dilation by the disk {(dx, dy) : dx² + dy² ≤ r²} (skimage `disk(r)`, the structuring
 * element of davis2017-evaluation `metrics.f_measure`), pixels outside the image never set.
 */

/** Half-widths ⌊√(r² − dy²)⌋ of the disk's rows, dy = −r..r (exact: √ of a perfect square is exact in IEEE). */
export function diskSpans(r: number): Int32Array {
  const spans = new Int32Array(2 * r + 1);
  for (let dy = -r; dy <= r; dy++) spans[dy + r] = Math.floor(Math.sqrt(r * r - dy * dy));
  return spans;
}

/**
 * Paint the disk dilation of the pixels `indices` (ascending y·W + x) into `out` (set to 1; `out`
 * is not cleared first). Horizontal runs of consecutive pixels are painted as one span per disk
 * row — [x0 − s, x1 + s] on row y + dy with s = ⌊√(r² − dy²)⌋ — which is the union of the disks of
 * the run's pixels, so the result is bit-identical to painting every pixel's disk.
 * Returns the first and last painted row (`[1, 0]` when nothing was painted).
 */
export function dilateInto(
  indices: ArrayLike<number>,
  width: number,
  height: number,
  spans: Int32Array,
  out: Uint8Array,
): [number, number] {
  const r = (spans.length - 1) >> 1;
  const n = indices.length;
  let first = 1;
  let last = 0;
  if (n > 0) {
    first = Math.max(0, Math.floor(indices[0]! / width) - r);
    last = Math.min(height - 1, Math.floor(indices[n - 1]! / width) + r);
  }
  let k = 0;
  while (k < n) {
    const start = indices[k]!;
    const y = Math.floor(start / width);
    const x0 = start - y * width;
    let x1 = x0;
    while (k + 1 < n && indices[k + 1] === start + (x1 - x0) + 1 && x1 + 1 < width) {
      k++;
      x1++;
    }
    k++;
    const dyFrom = Math.max(-r, -y);
    const dyTo = Math.min(r, height - 1 - y);
    for (let dy = dyFrom; dy <= dyTo; dy++) {
      const s = spans[dy + r]!;
      const row = (y + dy) * width;
      const from = row + (x0 > s ? x0 - s : 0);
      const to = row + (x1 + s < width ? x1 + s : width - 1);
      for (let j = from; j <= to; j++) out[j] = 1;
    }
  }
  return [first, last];
}

/** Dilation of the binary map `b` by the disk of radius r (see {@link dilateInto}). */
export function dilateDisk(b: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const indices: number[] = [];
  for (let i = 0; i < b.length; i++) if (b[i]) indices.push(i);
  const out = new Uint8Array(width * height);
  dilateInto(indices, width, height, diskSpans(r), out);
  return out;
}
