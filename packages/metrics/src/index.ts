/**
 * The Node entry of `@slotmatch/metrics`: the metrics and the PNG label codec (`node:zlib`).
 * Browsers resolve `.` to `./browser.ts` (the same names without the PNG codec); `./davis` is the
 * DAVIS J&F alone, free of Node built-ins under every condition.
 */
/** The error every metrics function and the CLI throw for bad input (re-exported so `instanceof` works without core). */
export { InputError } from '@slotmatch/core';
export * from './davis/index.js';
export * from './objects/index.js';
export * from './png/index.js';
