import { describe, expect, it } from 'vitest';
import { createProgressBar } from './progressBar.js';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return {
    stream: { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream,
    written,
  };
}

describe('progress bar', () => {
  it('draws in place on a terminal and ends the line', () => {
    const { stream, written } = fakeStream(true);
    const bar = createProgressBar(4, 'frames', stream);
    for (let i = 0; i < 4; i++) bar.tick();
    bar.done();
    expect(written[0]).toMatch(/^\r\[█{8}░{22}\] 1\/4 frames 25%$/);
    expect(written.at(-2)).toMatch(/^\r\[█{30}\] 4\/4 frames 100%$/);
    expect(written.at(-1)).toBe('\n');
  });

  it('writes nothing when the stream is not a terminal', () => {
    const { stream, written } = fakeStream(false);
    const bar = createProgressBar(4, 'frames', stream);
    bar.tick();
    bar.done();
    expect(written).toEqual([]);
  });
});
