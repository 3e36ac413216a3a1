import type { SplitProgress } from '../output/index.js';

/**
 * A one-line progress display on a TTY stream (nothing on pipes and CI logs):
 * `test [#########---------------]  12/50 videos  288/1200 frames  85.2 fps`, redrawn in place
 * (carriage return) at most every 100 ms and at the end of each video.
 */
export function createProgressLine(stream: NodeJS.WritableStream & { isTTY?: boolean }): {
  update(p: SplitProgress): void;
  done(): void;
} {
  if (!stream.isTTY) return { update() {}, done() {} };
  const start = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && p.framesDone % (p.frames / p.videos) !== 0) return;
      last = now;
      const seconds = (now - start) / 1000;
      const width = 24;
      const filled = Math.min(width, Math.round((p.framesDone / p.frames) * width));
      const fps = seconds > 0 ? (p.framesDone / seconds).toFixed(1) : '–';
      stream.write(
        `\r${p.split} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(p.videosDone).padStart(String(p.videos).length)}/${p.videos} videos  ${p.framesDone}/${p.frames} frames  ${fps} fps\x1b[K`,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
