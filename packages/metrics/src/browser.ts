/**
 * The browser entry of `@slotmatch/metrics` (export condition `browser` of `.`): everything of the
 * main entry that runs without Node built-ins — DAVIS J&F, FG-ARI / mBO / mIoU, `crc32`,
 * `vocColormap` and the label-map types. The PNG encoders and decoder need `node:zlib`
 * (inflate/deflate, RFC 1950/1951) and are left out, so a browser bundle of this package never
 * links a Node module; importing `decodePng` here is a bundling error that names it.
 */
export { InputError } from '@slotmatch/core';
export * from './davis/index.js';
export * from './objects/index.js';
export { crc32 } from './png/crc32.js';
export type { LabelImage } from './png/labelMap.js';
export { vocColormap } from './png/vocColormap.js';
