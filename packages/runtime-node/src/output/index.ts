export { FramesJsonWriter, slotRows, slotsJsonRow } from './framesJsonWriter.js';
export {
  createOverlayWriter,
  type OverlayOptions,
  type OverlayWriter,
  overlayFormat,
} from './overlayWriter.js';
