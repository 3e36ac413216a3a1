export { deformableSample, deformableSampleBackward } from './deformableSample.js';
export {
  type GridSampleGradients,
  type GridSampleOptions,
  gridSample,
  gridSampleBackward,
} from './gridSample.js';
export { referencePoints } from './referencePoints.js';
