export * from './common/index.js';
export * from './distillation/index.js';
export * from './slotmatch/index.js';
export * from './smtc/index.js';
