export { frameName, parseSplit, SPLITS, type SplitName, videoKey, videoName } from './splits.js';
export {
  type SplitMeta,
  type SplitProgress,
  type SplitSummary,
  type VideoEntry,
  type WriteSplitOptions,
  writeSplit,
} from './writeSplit.js';
