/**
 * DAVIS region similarity J for one frame (davis2017-evaluation `metrics.db_eval_iou`):
 * inter = |A∧S∧¬V|, union = |(A∨S)∧¬V|; J = 1 when union = 0, else inter/union.
 */
export function regionJ(pred: Uint8Array, gt: Uint8Array, voidMask?: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < gt.length; i++) {
    if (voidMask?.[i]) continue;
    const a = gt[i]!;
    const s = pred[i]!;
    if (a && s) inter++;
    if (a || s) union++;
  }
  return jaccard(inter, union);
}

/** J from pixel counts: inter/union, 1 when the union is empty (both masks empty). */
export function jaccard(inter: number, union: number): number {
  return union === 0 ? 1 : inter / union;
}
