export { reconstructionLoss } from './reconstructionLoss.js';
export { type SlotContrastOptions, slotContrastLoss } from './slotContrastLoss.js';
export { type SlotKdOptions, type SlotKdResult, type SlotProjection, slotKdLoss } from './slotKdLoss.js';
export {
  type SlotMatchInputs,
  type SlotMatchOptions,
  type SlotMatchResult,
  slotMatchLoss,
} from './slotMatchLoss.js';
