/**
 * Browser entry points, the same API as @slotmatch/runtime-node: load a bundle (URL with Cache
 * API caching, or bytes) onto onnxruntime-web (WebGPU first, wasm fallback) and stream a video
 * through core's pipeline; frames may be any {@link WebFrame}. `compare` runs a teacher and a
 * student side by side with the DAVIS J and F of @slotmatch/metrics (its `./davis` entry, which
 * imports no Node built-in, so no bundler needs a stand-in for one).
 */
import {
  type ComparedFrame,
  type CompareOptions,
  compareSegmenters,
  type FrameResult,
  type LoadedModel,
  loadModel,
  type MaskMeasures,
  Segmenter,
  type SegmentOptions,
} from '@slotmatch/core';
import { boundaryF, regionJ } from '@slotmatch/metrics/davis';
import { createWebBackend, type WebBackend, type WebBackendOptions } from './backend/webBackend.js';
import { type CachedUrlOptions, openWebBundle, type WebBundleLocation } from './bundle/cachedUrlSource.js';
import { toRgbFrames, type WebFrame } from './frames/toRgbFrame.js';

/** A sequence of browser frames. */
export type WebFrameSource = Iterable<WebFrame> | AsyncIterable<WebFrame>;

/** Core's Segmenter accepting browser frames. */
export class WebSegmenter extends Segmenter {
  readonly backend: WebBackend | undefined;

  constructor(model: LoadedModel, defaults: SegmentOptions = {}, backend?: WebBackend) {
    super(model, defaults);
    this.backend = backend;
  }

  /** Segment a video of browser frames: one result per frame, in order (core `Segmenter.segment`). */
  override segment(
    frames: WebFrameSource,
    options: SegmentOptions = {},
  ): AsyncGenerator<FrameResult, void, undefined> {
    return super.segment(toRgbFrames(frames), options);
  }
}

/** Options of {@link loadSegmenter}. */
export interface LoadSegmenterOptions extends WebBackendOptions, CachedUrlOptions {
  readonly segment?: SegmentOptions;
  /** Use this backend instead of creating one (share the provider choice between models). */
  readonly backend?: WebBackend;
}

/** Load and validate a bundle (before the first frame) and return a segmenter. */
export async function loadSegmenter(
  location: WebBundleLocation,
  options: LoadSegmenterOptions = {},
): Promise<WebSegmenter> {
  const backend = options.backend ?? createWebBackend(options);
  const model = await loadModel(openWebBundle(location, options), backend);
  return new WebSegmenter(model, options.segment ?? {}, backend);
}

/** DAVIS J (region IoU) and F (boundary measure) of davis2017-evaluation, from @slotmatch/metrics. */
export const davisMeasures: MaskMeasures = {
  regionJ: (pred, gt) => regionJ(pred, gt),
  boundaryF: (pred, gt, width, height) => boundaryF(pred, gt, width, height),
};

/** Teacher and student side by side on the same browser frames (see core `compareSegmenters`). */
export function compare(
  teacher: Segmenter,
  student: Segmenter,
  frames: WebFrameSource,
  options: Partial<CompareOptions> = {},
): AsyncGenerator<ComparedFrame, void, undefined> {
  return compareSegmenters(teacher, student, toRgbFrames(frames), { measures: davisMeasures, ...options });
}
