import { softmaxColumns, type Tensor } from '@slotmatch/core';
import { expectInput } from '../common/checks.js';
import { normalizeRows } from '../common/rows.js';

/** Thresholds of {@link validInstances} (SMTC's values by default). */
export interface ValidInstanceOptions {
  /** A token belongs to a centre when its softmax-over-slots mask exceeds this (default 0.3). */
  readonly maskThreshold?: number;
  /** Minimum cosine between the semantic slot and the instance slot (default 0.5). */
  readonly similarityThreshold?: number;
  /** Minimum share of tokens belonging to the centre (default 0.2). */
  readonly areaThreshold?: number;
}

/**
 * SMTC's `filter_valid_instance` (shvdiwnkozbw/SMTC src/train.py; METHODS.md §3), the 0/1 weights of
 * {@link instanceConsistencyLoss}:
 *
 *   area_s = share of tokens n with softmax_S(semanticLogits)[s, n] > 0.3
 *   v[b, t, s, p] = 1[cos(semanticSlots_s, instanceSlots_{s,p}) > 0.5]·1[area_s > 0.2]
 *
 * Not differentiable. `semanticLogits` [B, T, S, N], `semanticSlots` [B, T, S, C], `instanceSlots`
 * [B, T, S, P, C] → [B, T, S, P] (float64 0/1).
 */
export function validInstances(
  semanticLogits: Tensor,
  semanticSlots: Tensor,
  instanceSlots: Tensor,
  options: ValidInstanceOptions = {},
): Tensor<Float64Array> {
  const sizes: Record<string, number> = {};
  expectInput('semanticLogits', semanticLogits, ['B', 'T', 'S', 'N'], sizes);
  expectInput('semanticSlots', semanticSlots, ['B', 'T', 'S', 'C'], sizes);
  expectInput('instanceSlots', instanceSlots, ['B', 'T', 'S', 'P', 'C'], sizes);
  const { B, T, S, N, C, P } = sizes as Record<'B' | 'T' | 'S' | 'N' | 'C' | 'P', number>;
  const maskThreshold = options.maskThreshold ?? 0.3;
  const similarityThreshold = options.similarityThreshold ?? 0.5;
  const areaThreshold = options.areaThreshold ?? 0.2;
  const frames = B * T;
  const masks = new Float64Array(frames * S * N);
  softmaxColumns(semanticLogits.data, 0, frames, S, N, 1, masks, 0);
  const sem = new Float64Array(frames * S * C);
  normalizeRows(semanticSlots.data, frames * S, C, sem, new Float64Array(frames * S));
  const ins = new Float64Array(frames * S * P * C);
  normalizeRows(instanceSlots.data, frames * S * P, C, ins, new Float64Array(frames * S * P));
  const out = new Float64Array(frames * S * P);
  for (let r = 0; r < frames * S; r++) {
    let inside = 0;
    for (let n = 0; n < N; n++) if (masks[r * N + n]! > maskThreshold) inside++;
    if (!(inside / N > areaThreshold)) continue;
    for (let p = 0; p < P; p++) {
      let d = 0;
      for (let c = 0; c < C; c++) d += sem[r * C + c]! * ins[(r * P + p) * C + c]!;
      out[r * P + p] = d > similarityThreshold ? 1 : 0;
    }
  }
  return { data: out, dims: [B, T, S, P] };
}
