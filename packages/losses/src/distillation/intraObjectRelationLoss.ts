import type { Tensor } from '@slotmatch/core';
import type { LossResult } from '../common/LossResult.js';
import { type RelationOptions, relationLoss } from './relationLoss.js';

/**
 * DIST's intra-class relation (Huang et al., NeurIPS 2022) applied to VOS object logits
 * (METHODS.md §4, a choice): each object's probability map over the pixels of its own image,
 *
 *   p = softmax over objects of logits/τ;  value = τ²·mean over (b, object) of 1 − Pearson_pixels(p^S, p^T)
 *
 * with Pearson(a, b) = ⟨a − ā, b − b̄⟩ / max(‖a − ā‖·‖b − b̄‖, 1e-8). Gradients for both logits.
 * `studentLogits`, `teacherLogits`: [B, O, P].
 */
export function intraObjectRelationLoss(
  studentLogits: Tensor,
  teacherLogits: Tensor,
  options: RelationOptions = {},
): LossResult<'studentLogits' | 'teacherLogits'> {
  return relationLoss(studentLogits, teacherLogits, options, 'pixels');
}
