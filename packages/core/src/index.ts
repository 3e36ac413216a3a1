export * from './assignment/index.js';
export * from './errors/index.js';
