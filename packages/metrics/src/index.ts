export * from './davis/index.js';
export * from './objects/index.js';
export * from './png/index.js';
