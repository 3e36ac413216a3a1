export { type GruCellWeights, gruCell } from './gruCell.js';
export { type LayerNormWeights, type LinearWeights, type MlpWeights, mlp } from './mlp.js';
export { type MlpDecoderResult, type MlpDecoderWeights, mlpDecoder } from './mlpDecoder.js';
export {
  type SlotAttentionOptions,
  type SlotAttentionResult,
  type SlotAttentionWeights,
  slotAttention,
} from './slotAttention.js';
export {
  type SlotContrastOutputs,
  type SlotContrastStep,
  slotContrastForward,
  slotContrastStep,
} from './slotContrast.js';
export {
  readSlotContrastWeights,
  type SlotContrastConfig,
  type SlotContrastScheduleOptions,
  type SlotContrastWeights,
} from './slotContrastWeights.js';
export {
  type TransformerBlockOptions,
  type TransformerBlockWeights,
  transformerBlock,
} from './transformerBlock.js';
