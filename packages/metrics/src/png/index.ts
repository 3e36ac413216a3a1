export { crc32 } from './crc32.js';
export { decodePng } from './decodePng.js';
export { encodePalettePng } from './encodePalettePng.js';
export { encodeRgbPng } from './encodeRgbPng.js';
export type { LabelImage } from './labelMap.js';
export { vocColormap } from './vocColormap.js';
