/**
 * Frames per second of several segmenters on the same videos, measured in interleaved rounds.
 *
 * A single timed pass per model, one model after the other, is at the mercy of whatever else the
 * machine does during that pass: at a few milliseconds per frame, two passes of the same model
 * differ by 10–15 % on a shared CPU, which decides a "≥ 2× faster" check either way. So:
 *
 * - one *pass* of a segmenter runs every video, in order, through {@link Segmenter.segment}; its
 *   rate is frames / Σ totalMs (the pipeline's own per-frame timings, as {@link TimingAccumulator});
 * - an untimed warm-up pass of every segmenter comes first (onnxruntime allocates and tunes on its
 *   first runs, which would count against whichever model runs first);
 * - round r runs each segmenter once, starting with segmenter r mod n and going round, so none is
 *   always first or last;
 * - a segmenter's rate is the median over rounds (with min and max), and the speed ratio of two is
 *   the median of their per-round ratios: a load that drifts during the run hits both passes of a
 *   round alike and cancels in the ratio.
 */
import { InputError } from '../errors/index.js';
import type { RgbFrame } from '../image/frame.js';
import type { Segmenter, SegmentOptions } from './segmenter.js';
import { TimingAccumulator, type TimingSummary } from './timings.js';

/** Options of {@link measureSpeedRounds}. */
export interface SpeedRoundsOptions extends Pick<SegmentOptions, 'batchSize' | 'signal'> {
  /** Timed rounds (default 5; an odd count gives a true median). */
  readonly rounds?: number;
  /** Run one untimed pass of every segmenter first (default true). */
  readonly warmup?: boolean;
}

/** Median, minimum and maximum of a per-round quantity. */
export interface RoundSpread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** What {@link measureSpeedRounds} measured. */
export interface SpeedRounds {
  /** `passes[i][r]`: the timings of segmenter i in round r. */
  readonly passes: readonly (readonly TimingSummary[])[];
  /** Frames per second of each segmenter over the rounds. */
  readonly framesPerSecond: readonly RoundSpread[];
}

/** Median (mean of the two middle values for an even count), min and max of `values` (non-empty). */
export function roundSpread(values: readonly number[]): RoundSpread {
  if (values.length === 0) throw new InputError('roundSpread', 'needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : 0.5 * (sorted[mid - 1]! + sorted[mid]!);
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** Time `segmenters` on `videos` (each an array of frames, re-read every round) as in the file header. */
export async function measureSpeedRounds(
  segmenters: readonly Pick<Segmenter, 'segment'>[],
  videos: readonly (readonly RgbFrame[])[],
  options: SpeedRoundsOptions = {},
): Promise<SpeedRounds> {
  const rounds = options.rounds ?? 5;
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new InputError('rounds', `must be a positive integer, got ${rounds}`);
  }
  if (segmenters.length === 0) throw new InputError('segmenters', 'none to time');
  if (videos.every((v) => v.length === 0)) throw new InputError('videos', 'no frames to time');
  const segOpts: SegmentOptions = {
    labels: true,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const pass = async (segmenter: Pick<Segmenter, 'segment'>): Promise<TimingSummary> => {
    const timings = new TimingAccumulator();
    for (const video of videos) {
      for await (const r of segmenter.segment(video, segOpts)) timings.add(r.timings);
    }
    return timings.summary();
  };
  if (options.warmup ?? true) {
    for (const s of segmenters) await pass(s);
  }
  const n = segmenters.length;
  const passes: TimingSummary[][] = segmenters.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < n; j++) {
      const i = (r + j) % n;
      passes[i]!.push(await pass(segmenters[i]!));
    }
  }
  return {
    passes,
    framesPerSecond: passes.map((p) => roundSpread(p.map((s) => s.framesPerSecond))),
  };
}

/**
 * Speed ratio fps(numerator) / fps(denominator) of two segmenters of one {@link SpeedRounds}: the
 * spread of the per-round ratios (each from passes of the same round).
 */
export function speedRatio(measured: SpeedRounds, numerator: number, denominator: number): RoundSpread {
  const a = measured.passes[numerator];
  const b = measured.passes[denominator];
  if (!a || !b) {
    throw new InputError('speedRatio', `no segmenter ${a ? denominator : numerator} in the measurement`);
  }
  return roundSpread(a.map((s, r) => s.framesPerSecond / b[r]!.framesPerSecond));
}
