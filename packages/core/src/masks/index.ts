export { argmaxSlots } from './argmaxSlots.js';
export { oneHot } from './oneHot.js';
export { masksToLabelMap, upsampleMasks } from './upsampleMasks.js';
