/**
 * A one-line progress bar on stderr, drawn only when stderr is a TTY (pipes and CI logs stay
 * clean): `[#########-----------]  45/100 frames  12.3 fps`. Redrawn at most every 100 ms.
 */

/** Progress reporter; `tick` after each frame, `done` at the end. */
export interface Progress {
  tick(frames: number): void;
  done(): void;
}

/** A progress bar for `total` frames (unknown total: a counter), on `stream` when it is a TTY. */
export function createProgress(
  label: string,
  total: number | undefined,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!stream.isTTY) return { tick() {}, done() {} };
  const start = Date.now();
  let last = 0;
  let count = 0;
  const draw = () => {
    const seconds = (Date.now() - start) / 1000;
    const fps = seconds > 0 ? (count / seconds).toFixed(1) : '–';
    let bar = '';
    if (total && total > 0) {
      const width = 24;
      const filled = Math.min(width, Math.round((count / total) * width));
      bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(count).padStart(String(total).length)}/${total}`;
    } else {
      bar = `${count}`;
    }
    stream.write(`\r${label} ${bar} frames  ${fps} fps\x1b[K`);
  };
  return {
    tick(frames: number) {
      count = frames;
      const now = Date.now();
      if (now - last >= 100 || count === total) {
        last = now;
        draw();
      }
    },
    done() {
      draw();
      stream.write('\n');
    },
  };
}
