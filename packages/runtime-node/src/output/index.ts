export {
  createOverlayWriter,
  type OverlayOptions,
  type OverlayWriter,
  overlayFormat,
} from './overlayWriter.js';
export { SlotsJsonWriter, slotRows } from './slotsJsonWriter.js';
