export { type InstanceConsistencyOptions, instanceConsistencyLoss } from './instanceConsistencyLoss.js';
export { semanticConsistencyLoss } from './semanticConsistencyLoss.js';
export { slotDiversityLoss } from './slotDiversityLoss.js';
export { type ValidInstanceOptions, validInstances } from './validInstances.js';
