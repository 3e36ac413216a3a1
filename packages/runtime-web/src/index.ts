export {
  type ComparedFrame,
  ComparisonAccumulator,
  type FrameResult,
  InputError,
  type RgbFrame,
  Segmenter,
  type SegmentOptions,
  TimingAccumulator,
} from '@slotmatch/core';
export {
  createWebBackend,
  isCrossOriginIsolated,
  WEB_DEVICE_EXECUTION_PROVIDERS,
  type WebBackend,
  type WebBackendOptions,
  type WebDevice,
  type WebSessionFactory,
  type WebSessionOptions,
} from './backend/webBackend.js';
export {
  BUNDLE_CACHE_NAME,
  type CachedUrlOptions,
  cacheApiBundleCache,
  cachedUrlBundleSource,
  clearBundleCache,
  openWebBundle,
  type WebBundleLocation,
} from './bundle/cachedUrlSource.js';
export { FrameGrabber, toRgbFrames, videoElementFrames, type WebFrame } from './frames/toRgbFrame.js';
export {
  compare,
  davisMeasures,
  type LoadSegmenterOptions,
  loadSegmenter,
  type WebFrameSource,
  WebSegmenter,
} from './segmenter.js';
