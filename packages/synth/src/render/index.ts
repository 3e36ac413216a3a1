export { downsampleRgb, type RasterTarget, rasterise } from './rasterise.js';
export { createRenderer, type RenderedFrame, type RenderOptions, renderFrame } from './renderFrame.js';
export { measureVisibility, type Visibility } from './visibility.js';
