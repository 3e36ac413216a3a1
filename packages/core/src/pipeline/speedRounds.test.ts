import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import type { RgbFrame } from '../image/frame.js';
import type { FrameResult, Segmenter } from './segmenter.js';
import { measureSpeedRounds, roundSpread, speedRatio } from './speedRounds.js';

const frame: RgbFrame = { data: new Uint8Array(3), width: 1, height: 1, format: 'rgb' };

/**
 * A segmenter stand-in whose every pass costs the next of `msPerFrame` (one value per pass,
 * warm-up included), logging its name on each pass.
 */
function scripted(name: string, msPerFrame: number[], log: string[]): Pick<Segmenter, 'segment'> {
  let pass = -1;
  return {
    async *segment(frames) {
      if (frames === videos[0]) {
        // a pass runs the videos in order: the first one starts it
        pass++;
        log.push(name);
      }
      const ms = msPerFrame[pass]!;
      let index = 0;
      for (const f of frames as RgbFrame[]) {
        yield {
          index: index++,
          frame: f,
          width: 1,
          height: 1,
          slots: new Float32Array(0),
          timings: { preprocessMs: 0, encoderMs: ms / 2, stepMs: ms / 2, postprocessMs: 0, totalMs: ms },
        } satisfies FrameResult;
      }
    },
  };
}
const videos: RgbFrame[][] = [
  [frame, frame, frame],
  [frame, frame],
];

describe('roundSpread', () => {
  it('gives the median (middle pair averaged for an even count), min and max', () => {
    expect(roundSpread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(roundSpread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(() => roundSpread([])).toThrow(InputError);
  });
});

describe('measureSpeedRounds', () => {
  it('warms every segmenter up, then rotates which one runs first in each round', async () => {
    const log: string[] = [];
    const a = scripted('a', [1, 10, 25, 10, 8], log);
    const b = scripted('b', [1, 20, 50, 20, 8], log);
    const c = scripted('c', [1, 5, 5, 5, 5], log);
    const m = await measureSpeedRounds([a, b, c], videos, { rounds: 3 });
    expect(log.join('')).toBe(['abc', 'abc', 'bca', 'cab'].join(''));
    expect(m.passes.map((p) => p.length)).toEqual([3, 3, 3]);
    expect(m.passes[0]![0]!.frames).toBe(5);
    // a: 10, 25, 10 ms/frame → 100, 40, 100 fps
    expect(m.framesPerSecond[0]).toEqual({ median: 100, min: 40, max: 100 });
    expect(m.framesPerSecond[1]).toEqual({ median: 50, min: 20, max: 50 });
    // the per-round ratio, not the ratio of medians
    expect(speedRatio(m, 0, 1)).toEqual({ median: 2, min: 2, max: 2 });
    expect(speedRatio(m, 1, 2).median).toBeCloseTo(0.25, 12);
  });

  it('takes the median of per-round ratios, which a drifting load cancels in', async () => {
    const log: string[] = [];
    // fps a: 100, 40, 90; b: 50, 20, 60 → ratios 2, 2, 1.5 (the ratio of the medians would be 1.8)
    const a = scripted('a', [1, 10, 25, 1000 / 90], log);
    const b = scripted('b', [1, 20, 50, 1000 / 60], log);
    const m = await measureSpeedRounds([a, b], videos, { rounds: 3 });
    expect(speedRatio(m, 0, 1).median).toBeCloseTo(2, 12);
    expect(speedRatio(m, 0, 1).min).toBeCloseTo(1.5, 12);
    expect(m.framesPerSecond[0]!.median / m.framesPerSecond[1]!.median).toBeCloseTo(1.8, 12);
  });

  it('skips the warm-up when asked', async () => {
    const log: string[] = [];
    const m = await measureSpeedRounds([scripted('a', [4, 8], log)], videos, { rounds: 2, warmup: false });
    expect(log).toEqual(['a', 'a']);
    expect(m.framesPerSecond[0]).toEqual({ median: 187.5, min: 125, max: 250 });
  });

  it('rejects a bad round count, no segmenters, no frames and an unknown index', async () => {
    const s = scripted('a', [1, 1], []);
    await expect(measureSpeedRounds([s], videos, { rounds: 0 })).rejects.toThrow(
      /rounds: must be a positive integer/,
    );
    await expect(measureSpeedRounds([], videos)).rejects.toThrow(/segmenters: none to time/);
    await expect(measureSpeedRounds([s], [[]])).rejects.toThrow(/videos: no frames to time/);
    const m = await measureSpeedRounds([scripted('a', [1, 1], [])], videos, { rounds: 1 });
    expect(() => speedRatio(m, 0, 3)).toThrow(/no segmenter 3/);
  });
});
