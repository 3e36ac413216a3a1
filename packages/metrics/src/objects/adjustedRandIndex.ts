/**
 * Adjusted Rand index from a contingency table, as videosaur/slotcontrast `metrics.py` computes it
 * (and `../shared/spec/METRICS.md`): N[c,k] = points of GT cluster c in predicted cluster k;
 * a = row sums, b = column sums, n = Σa; RI = ΣN(N−1); A = Σa(a−1); B = Σb(b−1);
 * E = A·B / max(n(n−1), 1); M = (A+B)/2; ARI = (RI − E)/(M − E), and 1 when M − E = 0.
 * Counts are integers, so every sum here is exact in float64 up to 2^53.
 *
 * @param counts flat table, `rows × cols`, row-major (rows = GT clusters).
 */
export function adjustedRandIndex(counts: ArrayLike<number>, rows: number, cols: number): number {
  const colSums = new Float64Array(cols);
  let ri = 0;
  let a = 0;
  let n = 0;
  for (let c = 0; c < rows; c++) {
    let rowSum = 0;
    for (let k = 0; k < cols; k++) {
      const v = counts[c * cols + k]!;
      ri += v * (v - 1);
      rowSum += v;
      colSums[k]! += v;
    }
    a += rowSum * (rowSum - 1);
    n += rowSum;
  }
  let b = 0;
  for (let k = 0; k < cols; k++) b += colSums[k]! * (colSums[k]! - 1);
  const expected = (a * b) / Math.max(n * (n - 1), 1);
  const max = (a + b) / 2;
  if (max - expected === 0) return 1;
  return (ri - expected) / (max - expected);
}
