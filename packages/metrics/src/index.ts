/** The error every metrics function and the CLI throw for bad input (re-exported so `instanceof` works without core). */
export { InputError } from '@slotmatch/core';
export * from './davis/index.js';
export * from './objects/index.js';
export * from './png/index.js';
