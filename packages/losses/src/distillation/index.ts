export { ckaAttentionLoss } from './ckaAttentionLoss.js';
export { interObjectRelationLoss } from './interObjectRelationLoss.js';
export { intraObjectRelationLoss } from './intraObjectRelationLoss.js';
export { PEARSON_EPS, type RelationOptions } from './relationLoss.js';
