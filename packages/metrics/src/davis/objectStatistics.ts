/** Mean, Recall and Decay of one object's per-frame values. */
export interface ObjectStatistics {
  readonly mean: number;
  readonly recall: number;
  readonly decay: number;
}

function nanMean(values: ArrayLike<number>, from = 0, to = values.length): number {
  let sum = 0;
  let count = 0;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
  }
  return count === 0 ? Number.NaN : sum / count;
}

/**
 * davis2017-evaluation `utils.db_statistics`: Mean; Recall = share of frames with value > 0.5;
 * Decay = mean(bin 0) − mean(bin 3) with ids[k] = round(1 + k(n−1)/4 + 1e-10) − 1 and bin i =
 * frames ids[i]..ids[i+1] inclusive.
 *
 * `decayMode: 'reference'` (default) reproduces the reference's uint8 cast of the ids, which
 * makes Decay NaN from n = 257 frames on; `'exact'` keeps the ids as integers.
 */
export function objectStatistics(
  values: ArrayLike<number>,
  decayMode: 'reference' | 'exact' = 'reference',
): ObjectStatistics {
  const n = values.length;
  let above = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    counted++;
    if (v > 0.5) above++;
  }
  const ids: number[] = [];
  for (let k = 0; k <= 4; k++) {
    const id = Math.round(1 + (k * (n - 1)) / 4 + 1e-10) - 1;
    ids.push(decayMode === 'reference' ? ((id % 256) + 256) % 256 : id);
  }
  const bin = (i: number) => nanMean(values, ids[i]!, Math.min(n, ids[i + 1]! + 1));
  return {
    mean: nanMean(values),
    recall: counted === 0 ? Number.NaN : above / n,
    decay: bin(0) - bin(3),
  };
}
