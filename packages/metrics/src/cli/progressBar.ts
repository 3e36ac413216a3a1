/** A progress bar on a terminal stream; nothing at all when the stream is not a TTY. */
export interface ProgressBar {
  tick(): void;
  done(): void;
}

/**
 * `[██████░░░░] 412/900 frames 46%`, redrawn in place (at most every 100 ms) on `stream` when it is a
 * terminal (`isTTY`); a no-op otherwise, so logs and pipes stay clean.
 */
export function createProgressBar(
  total: number,
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressBar {
  if (!stream.isTTY || total === 0) return { tick() {}, done() {} };
  let count = 0;
  let last = 0;
  const draw = () => {
    const width = 30;
    const filled = Math.round((width * count) / total);
    stream.write(
      `\r[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${count}/${total} ${label} ${Math.floor((100 * count) / total)}%`,
    );
  };
  return {
    tick() {
      count++;
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
