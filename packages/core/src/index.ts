export * from './assignment/index.js';
export * from './bundle/index.js';
export * from './errors/index.js';
export * from './image/index.js';
export * from './masks/index.js';
export * from './ops/index.js';
export * from './pipeline/index.js';
export * from './tensor/index.js';
