export { type OpenedInput, openInput } from './input.js';
export { type StagedFolder, stageFolder } from './outputFolder.js';
export {
  formatSummary,
  type SegmentSummary,
  type SegmentVideoOptions,
  segmentVideo,
} from './segmentVideo.js';
