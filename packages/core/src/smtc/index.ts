export { fuseKeys, type TokenGrid } from './keyFusion.js';
export {
  type SemanticSlotAttentionOptions,
  type SemanticSlotAttentionResult,
  semanticAwareSlotAttention,
} from './semanticSlotAttention.js';
export { type SmtcOutputs, smtcForward } from './smtcForward.js';
export { readSmtcWeights, type SmtcConfig, type SmtcOptions, type SmtcWeights } from './smtcWeights.js';
