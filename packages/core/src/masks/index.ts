export { argmaxSlots } from './argmaxSlots.js';
export { oneHot } from './oneHot.js';
export { LabelMapper, masksToLabelMap, upsampleMasks } from './upsampleMasks.js';
