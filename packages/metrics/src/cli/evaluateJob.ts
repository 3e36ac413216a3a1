import { join } from 'node:path';
import {
  createDavisSequenceEvaluator,
  type DavisSequenceSummary,
  expectSameSize,
  type MatchedObject,
} from '../davis/index.js';
import { createObjectMetricsAccumulator, type ObjectMetricsResult } from '../objects/index.js';
import { readLabelPng, type SequenceFrames } from './davisLayout.js';

/** What to evaluate: one sequence under one task. */
export interface SequenceJob extends SequenceFrames {
  readonly task: 'semi' | 'unsupervised' | 'objects';
}

/** Result of a job: DAVIS objects and summary, or the object-centric metrics. */
export type JobOutcome =
  | { readonly kind: 'davis'; readonly objects: MatchedObject[]; readonly summary: DavisSequenceSummary }
  | { readonly kind: 'objects'; readonly metrics: ObjectMetricsResult };

/**
 * Evaluate one sequence streaming its frames: each GT/prediction pair is decoded, fed to the
 * frame-at-a-time evaluator and dropped, so memory does not grow with the video's length. The
 * generator yields after every frame (progress, and turns of the event loop on the main thread)
 * and returns the outcome.
 */
export function* evaluateJob(job: SequenceJob): Generator<void, JobOutcome, void> {
  if (job.task === 'objects') {
    const acc = createObjectMetricsAccumulator();
    for (const f of job.frames) {
      const gtPath = join(job.gtDir, f);
      const predPath = join(job.predDir, f);
      const gt = readLabelPng(gtPath);
      const pred = readLabelPng(predPath);
      expectSameSize(gt, pred, predPath);
      acc.addFrame(gt.data, pred.data, gt.width, gt.height, { gt: gtPath, pred: predPath });
      yield;
    }
    return { kind: 'objects', metrics: acc.result() };
  }
  const evaluator = createDavisSequenceEvaluator({ protocol: job.task });
  for (const f of job.frames) {
    const gtPath = join(job.gtDir, f);
    const predPath = join(job.predDir, f);
    evaluator.addFrame(readLabelPng(gtPath), readLabelPng(predPath), { gt: gtPath, pred: predPath });
    yield;
  }
  const { objects, summary } = evaluator.finish();
  return { kind: 'davis', objects, summary };
}

/** Run {@link evaluateJob} to the end in one go, calling `onFrame` after every frame. */
export function runJobSync(job: SequenceJob, onFrame: () => void): JobOutcome {
  const frames = evaluateJob(job);
  for (;;) {
    const step = frames.next();
    if (step.done) return step.value;
    onFrame();
  }
}
