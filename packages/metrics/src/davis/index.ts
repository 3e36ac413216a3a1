export { boundaryF, boundaryMap, boundaryRadius, dilateDisk } from './boundaryF.js';
export { type ObjectStatistics, objectStatistics } from './objectStatistics.js';
export { regionJ } from './regionJ.js';
export {
  evaluateSemiSupervisedSequence,
  type ObjectScores,
  type SemiSupervisedOptions,
} from './semiSupervised.js';
