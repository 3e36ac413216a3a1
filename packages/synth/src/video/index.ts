export {
  generateVideo,
  type SynthFrame,
  type SynthVideo,
  type VideoDescription,
} from './generateVideo.js';
