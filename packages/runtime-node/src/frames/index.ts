export { ffmpegPath, ffprobePath, probeVideo, type VideoInfo } from './ffmpeg.js';
export { listImages, readFrames, readImageFolder } from './readImageFolder.js';
export { type ReadVideoOptions, readVideoFrames } from './readVideo.js';
