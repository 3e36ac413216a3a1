export type { LabelArray, LabelMap } from '../png/labelMap.js';
export { boundaryF, boundaryMap, boundaryRadius, fMeasure } from './boundaryF.js';
export { indexBoundaries, type LabelledBoundaries, matchBoundaries } from './boundaryMatch.js';
export { dilateDisk, dilateInto, diskSpans } from './dilateDisk.js';
export {
  evaluateDavisSequence,
  evaluateSemiSupervisedSequence,
  evaluateUnsupervisedSequence,
  type SequenceOptions,
} from './evaluateSequence.js';
export { type GlobalResults, globalResults } from './globalResults.js';
export {
  combineRuns,
  forEachSegment,
  type LabelRuns,
  labelRuns,
  runBoundaryPixels,
  runEnd,
} from './labelRuns.js';
export { type ObjectStatistics, objectStatistics } from './objectStatistics.js';
export { jaccard, regionJ } from './regionJ.js';
export {
  createDavisSequenceEvaluator,
  type DavisFrameResult,
  type DavisProtocol,
  type DavisSequenceEvaluator,
  type DavisSequenceOptions,
  type DavisSequenceResult,
  type DavisSequenceSummary,
  expectSameSize,
  type FrameNames,
  MAX_PROPOSALS,
  type MatchedObject,
  type ObjectScores,
} from './sequenceEvaluator.js';
