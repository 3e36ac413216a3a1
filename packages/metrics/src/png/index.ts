export { crc32, decodePng, type LabelImage } from './decodePng.js';
export { encodePalettePng, vocColormap } from './encodePalettePng.js';
export { encodeRgbPng } from './encodeRgbPng.js';
