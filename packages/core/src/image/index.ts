export { BICUBIC_A, bicubicTable, bilinearTable, cubicWeights, type ResampleTable } from './bicubicKernel.js';
export {
  bytesPerPixel,
  type PixelFormat,
  type RgbFrame,
  rgbaToRgb,
  rgbToRgba,
  validateFrame,
} from './frame.js';
export { overlayLabels } from './overlay.js';
export {
  FramePreprocessor,
  frameToPlanar,
  normalizePlanar,
  type PreprocessSpec,
  preprocessFrame,
  validatePreprocessSpec,
} from './preprocess.js';
export {
  type AxisLayout,
  resampleAxis,
  resampleColumns,
  resampleRows,
  resampleSeparable,
  resizeBicubic,
  resizeBilinear,
} from './resize.js';
