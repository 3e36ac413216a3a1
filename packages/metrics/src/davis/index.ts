export {
  boundaryF,
  boundaryFPrepared,
  boundaryMap,
  boundaryRadius,
  dilateDisk,
  type PreparedBoundary,
  prepareBoundary,
} from './boundaryF.js';
export { type GlobalResults, globalResults } from './globalResults.js';
export { type ObjectStatistics, objectStatistics } from './objectStatistics.js';
export { regionJ } from './regionJ.js';
export {
  evaluateSemiSupervisedSequence,
  type ObjectScores,
  type SemiSupervisedOptions,
} from './semiSupervised.js';
export { evaluateUnsupervisedSequence, MAX_PROPOSALS, type MatchedObject } from './unsupervised.js';
