export {
  type EvaluateOptions,
  type EvaluationReport,
  evaluateFolders,
  type SequenceScores,
} from './evaluate.js';
export { pairSequences, readLabels, type SequencePair } from './layout.js';
export { formatScore, reportJson, reportMarkdown, writeReport } from './report.js';
