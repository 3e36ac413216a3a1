import type { Tensor } from '@slotmatch/core';
import type { LossResult } from '../common/LossResult.js';
import { type RelationOptions, relationLoss } from './relationLoss.js';

/**
 * DIST's inter-class relation (Huang et al., NeurIPS 2022) applied per pixel to VOS object logits
 * (METHODS.md §4, a choice):
 *
 *   p = softmax over objects of logits/τ;  value = τ²·mean over (b, pixel) of 1 − Pearson_objects(p^S, p^T)
 *
 * with Pearson(a, b) = ⟨a − ā, b − b̄⟩ / max(‖a − ā‖·‖b − b̄‖, 1e-8). Gradients for both logits.
 * `studentLogits`, `teacherLogits`: [B, O, P] (O objects incl. background, P pixels).
 */
export function interObjectRelationLoss(
  studentLogits: Tensor,
  teacherLogits: Tensor,
  options: RelationOptions = {},
): LossResult<'studentLogits' | 'teacherLogits'> {
  return relationLoss(studentLogits, teacherLogits, options, 'objects');
}
