import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return {
    writes,
    stream: { isTTY, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream,
  };
}

describe('progress bar', () => {
  it('draws a bar with the frame count on a TTY and ends the line', () => {
    const { writes, stream } = fakeStream(true);
    const p = createProgress('segment', 4, stream);
    for (let i = 1; i <= 4; i++) p.tick(i);
    p.done();
    expect(writes[0]).toMatch(/^\rsegment \[#{6}-{18}\] 1\/4 frames {2}\S+ fps/);
    expect(writes[0]!.endsWith('\u001b[K')).toBe(true); // clears the rest of the line
    expect(writes.at(-2)).toMatch(/^\rsegment \[#{24}\] 4\/4 frames/);
    expect(writes.at(-1)).toBe('\n');
  });

  it('counts frames when the total is unknown', () => {
    const { writes, stream } = fakeStream(true);
    const p = createProgress('compare', undefined, stream);
    p.tick(7);
    p.done();
    expect(writes.at(-2)).toMatch(/^\rcompare 7 frames/);
  });

  it('writes nothing when the stream is not a TTY (pipes, CI logs)', () => {
    const { writes, stream } = fakeStream(false);
    const p = createProgress('segment', 4, stream);
    p.tick(1);
    p.done();
    expect(writes).toEqual([]);
  });
});
