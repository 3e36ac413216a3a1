import { InputError } from '@slotmatch/core';
import type { LabelMap } from '../png/labelMap.js';
import {
  createDavisSequenceEvaluator,
  type DavisProtocol,
  type DavisSequenceResult,
  type MatchedObject,
} from './sequenceEvaluator.js';

/** Options of the whole-sequence functions. */
export interface SequenceOptions {
  /** Decay mode of `objectStatistics` (default `'reference'`). */
  readonly decayMode?: 'reference' | 'exact';
  /** Names of the GT frames, for error messages (default `gt[t]`). */
  readonly gtNames?: readonly string[];
  /** Names of the prediction frames, for error messages (default `pred[t]`). */
  readonly predNames?: readonly string[];
}

/**
 * DAVIS J&F of one sequence held in memory: the GT and prediction must have the same number of
 * frames, which are fed in order to {@link createDavisSequenceEvaluator} (all other rules are there).
 */
export function evaluateDavisSequence(
  protocol: DavisProtocol,
  gt: readonly LabelMap[],
  pred: readonly LabelMap[],
  options: SequenceOptions = {},
): DavisSequenceResult {
  if (gt.length !== pred.length) {
    throw new InputError('pred', `has ${pred.length} frames, the ground truth has ${gt.length}`);
  }
  const evaluator = createDavisSequenceEvaluator({ protocol, decayMode: options.decayMode });
  gt.forEach((g, t) => {
    evaluator.addFrame(g, pred[t]!, { gt: options.gtNames?.[t], pred: options.predNames?.[t] });
  });
  return evaluator.finish();
}

/** Semi-supervised protocol on frames in memory: {@link evaluateDavisSequence}`('semi', …)`, objects 1..N. */
export function evaluateSemiSupervisedSequence(
  gt: readonly LabelMap[],
  pred: readonly LabelMap[],
  options: SequenceOptions = {},
): MatchedObject[] {
  return evaluateDavisSequence('semi', gt, pred, options).objects;
}

/** Unsupervised protocol on frames in memory: {@link evaluateDavisSequence}`('unsupervised', …)`, matched pairs. */
export function evaluateUnsupervisedSequence(
  gt: readonly LabelMap[],
  pred: readonly LabelMap[],
  options: SequenceOptions = {},
): MatchedObject[] {
  return evaluateDavisSequence('unsupervised', gt, pred, options).objects;
}
