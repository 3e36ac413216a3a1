export {
  type ComparedFrame,
  ComparisonAccumulator,
  type FrameResult,
  type FrameSource,
  InputError,
  type RgbFrame,
  Segmenter,
  type SegmentOptions,
  TimingAccumulator,
} from '@slotmatch/core';
export {
  DEVICE_EXECUTION_PROVIDERS,
  executionProvidersFor,
  type NodeDevice,
} from './backend/executionProviders.js';
export {
  createNodeBackend,
  type NodeBackend,
  type NodeBackendOptions,
  type NodeSessionFactory,
  type NodeSessionOptions,
} from './backend/nodeBackend.js';
export { folderBundleSource } from './bundle/folderSource.js';
export { type BundleLocation, openBundle } from './bundle/openBundle.js';
export {
  bundleCacheFolder,
  defaultCacheDir,
  fileBundleCache,
  type UrlSourceOptions,
  urlBundleSource,
} from './bundle/urlSource.js';
export * from './frames/index.js';
export * from './output/index.js';
export { compare, davisMeasures, type LoadSegmenterOptions, loadSegmenter } from './segmenter.js';
