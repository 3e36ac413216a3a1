export {
  type FrameAgreement,
  labelMapAgreement,
  type MaskMeasures,
  meanSlotCosine,
  type SlotMatching,
} from './agreement.js';
export { type HostTensor, type InferenceBackend, type InferenceSession, shapeSize } from './backend.js';
export {
  type ComparedFrame,
  type CompareOptions,
  ComparisonAccumulator,
  type ComparisonSummary,
  compareSegmenters,
} from './compare.js';
export { type LoadedModel, loadModel } from './loadModel.js';
export {
  createOrtBackend,
  type OrtBackend,
  type OrtBackendOptions,
  providersForDevice,
} from './ortBackend.js';
export {
  type OrtSessionLike,
  type OrtTensorConstructor,
  type OrtTensorLike,
  wrapOrtSession,
} from './ortSessionAdapter.js';
export { type ProviderFailure, probeProviders } from './probeProviders.js';
export { type FrameResult, type FrameSource, Segmenter, type SegmentOptions } from './segmenter.js';
export {
  measureSpeedRounds,
  type RoundSpread,
  roundSpread,
  type SpeedRounds,
  type SpeedRoundsOptions,
  speedRatio,
} from './speedRounds.js';
export { type FrameTimings, nowMs, TimingAccumulator, type TimingSummary } from './timings.js';
