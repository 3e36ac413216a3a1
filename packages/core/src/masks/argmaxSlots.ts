/**
 * Hard assignment of pixels to slots: label[p] = argmax_k masks[k, p] (+ offset), first maximum on
 * ties (as `torch.argmax`). With offset 1 this is the label map written to DAVIS-layout PNGs
 * (label = slot index + 1, 0 left for background). Source: SlotContrast / VideoSAUR evaluation,
 * which takes `masks.argmax(dim=slots)` of the decoder masks.
 */
import { InputError } from '../errors/index.js';

function checkCount(subject: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0)
    throw new InputError(subject, `${name} must be a positive integer, got ${v}`);
}

/**
 * Label map of soft masks [K, N] (slot-major): out[p] = offset + argmax_k masks[k·N + p].
 * K + offset must fit a byte (≤ 256 labels). NaN masks throw an InputError.
 */
export function argmaxSlots(
  masks: ArrayLike<number>,
  slots: number,
  offset = 0,
  out?: Uint8Array,
): Uint8Array {
  checkCount('argmaxSlots', 'slot count', slots);
  if (!Number.isInteger(offset) || offset < 0 || slots + offset > 256) {
    throw new InputError(
      'argmaxSlots',
      `labels offset + 0 … offset + ${slots - 1} must fit in 0…255 (offset ${offset})`,
    );
  }
  if (masks.length % slots !== 0) {
    throw new InputError('masks', `${masks.length} values do not split into ${slots} slots`);
  }
  const n = masks.length / slots;
  const labels = out ?? new Uint8Array(n);
  if (labels.length !== n)
    throw new InputError('argmaxSlots output', `has ${labels.length} entries, expected ${n}`);
  for (let p = 0; p < n; p++) {
    let best = masks[p]!;
    let arg = 0;
    if (Number.isNaN(best)) throw new InputError('masks', `NaN at slot 0, position ${p}`);
    for (let k = 1; k < slots; k++) {
      const v = masks[k * n + p]!;
      if (Number.isNaN(v)) throw new InputError('masks', `NaN at slot ${k}, position ${p}`);
      if (v > best) {
        best = v;
        arg = k;
      }
    }
    labels[p] = arg + offset;
  }
  return labels;
}
