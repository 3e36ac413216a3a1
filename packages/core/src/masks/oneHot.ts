/**
 * One-hot encoding of a label map: out[k·N + p] = 1 if labels[p] − offset = k else 0, for
 * k = 0 … K − 1 (labels outside that range give an all-zero column, e.g. background 0 with offset 1).
 */
import { InputError } from '../errors/index.js';

/** One-hot [K, N] (uint8) of `labels` [N] (rule in the file header). */
export function oneHot(labels: ArrayLike<number>, classes: number, offset = 0): Uint8Array {
  if (!Number.isInteger(classes) || classes <= 0) {
    throw new InputError('oneHot', `class count must be a positive integer, got ${classes}`);
  }
  const n = labels.length;
  const out = new Uint8Array(classes * n);
  for (let p = 0; p < n; p++) {
    const k = labels[p]! - offset;
    if (Number.isInteger(k) && k >= 0 && k < classes) out[k * n + p] = 1;
  }
  return out;
}
