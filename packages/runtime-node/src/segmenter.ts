/**
 * Node entry points: load a bundle (folder, URL with file cache, or bytes) onto onnxruntime-node
 * and get core's streaming {@link Segmenter}; run a teacher and a student side by side with the
 * DAVIS J and F of @slotmatch/metrics as the label-map agreement.
 */
import {
  type ComparedFrame,
  type CompareOptions,
  compareSegmenters,
  type FrameSource,
  type MaskMeasures,
  Segmenter,
  type SegmentOptions,
} from '@slotmatch/core';
import { boundaryF, regionJ } from '@slotmatch/metrics';
import { createNodeBackend, type NodeBackend, type NodeBackendOptions } from './backend/nodeBackend.js';
import { type BundleLocation, openBundle } from './bundle/openBundle.js';
import type { UrlSourceOptions } from './bundle/urlSource.js';

/** Options of {@link loadSegmenter}: backend (device, threads), URL cache and default segment options. */
export interface LoadSegmenterOptions extends NodeBackendOptions, UrlSourceOptions {
  /** Defaults for every `segment` call (batch size, soft masks, attention). */
  readonly segment?: SegmentOptions;
  /** Use this backend instead of creating one (e.g. to share the provider choice). */
  readonly backend?: NodeBackend;
}

/**
 * Load and validate a bundle (manifest, graph files, graph I/O — all before the first frame) and
 * return a segmenter: `for await (const r of segmenter.segment(frames)) …`. Call `dispose()` when done.
 */
export async function loadSegmenter(
  location: BundleLocation,
  options: LoadSegmenterOptions = {},
): Promise<Segmenter> {
  const backend = options.backend ?? createNodeBackend(options);
  return Segmenter.load(await openBundle(location, options), backend, options.segment);
}

/** DAVIS J (region IoU) and F (boundary measure) of davis2017-evaluation, from @slotmatch/metrics. */
export const davisMeasures: MaskMeasures = {
  regionJ: (pred, gt) => regionJ(pred, gt),
  boundaryF: (pred, gt, width, height) => boundaryF(pred, gt, width, height),
};

/**
 * Teacher and student on the same frames (core `compareSegmenters`): per frame both results, the
 * slot cosine of L_slot-KD, J, F and J&F of the student's label map against the teacher's
 * ({@link davisMeasures}), and the teacher/student time ratio.
 */
export function compare(
  teacher: Segmenter,
  student: Segmenter,
  frames: FrameSource,
  options: Partial<CompareOptions> = {},
): AsyncGenerator<ComparedFrame, void, undefined> {
  return compareSegmenters(teacher, student, frames, { measures: davisMeasures, ...options });
}
