export * from './geometry/index.js';
export * from './output/index.js';
export * from './random/index.js';
export * from './render/index.js';
export * from './video/index.js';
export * from './world/index.js';
