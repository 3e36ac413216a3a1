/**
 * Per-frame timings of the video pipeline and their running summary. All times are wall-clock
 * milliseconds from `performance.now()`; the encoder's batch time is shared equally by the frames
 * of its batch.
 */

/** Where one frame's time went. */
export interface FrameTimings {
  /** Resize + normalisation of this frame. */
  readonly preprocessMs: number;
  /** Its share of the encoder batch run (batch time / frames in the batch). */
  readonly encoderMs: number;
  /** The slot step (first or next graph) of this frame. */
  readonly stepMs: number;
  /** Mask upsampling, argmax and optional outputs. */
  readonly postprocessMs: number;
  /** Sum of the above. */
  readonly totalMs: number;
}

/** Milliseconds from a monotonic clock (Node and browsers). */
export function nowMs(): number {
  return globalThis.performance.now();
}

/** Aggregate of {@link FrameTimings} over a run. */
export interface TimingSummary {
  readonly frames: number;
  /** Mean milliseconds per frame of each stage. */
  readonly meanMs: Omit<FrameTimings, never>;
  /** frames / (Σ totalMs / 1000). */
  readonly framesPerSecond: number;
  /** Σ (encoderMs + stepMs) / Σ totalMs: the share of pipeline time spent inside the inference library. */
  readonly inferenceShare: number;
}

/** Running sums of frame timings (constant memory whatever the video length). */
export class TimingAccumulator {
  private n = 0;
  private pre = 0;
  private enc = 0;
  private step = 0;
  private post = 0;

  add(t: FrameTimings): void {
    this.n++;
    this.pre += t.preprocessMs;
    this.enc += t.encoderMs;
    this.step += t.stepMs;
    this.post += t.postprocessMs;
  }

  summary(): TimingSummary {
    const n = this.n;
    const total = this.pre + this.enc + this.step + this.post;
    const mean = (v: number) => (n === 0 ? 0 : v / n);
    return {
      frames: n,
      meanMs: {
        preprocessMs: mean(this.pre),
        encoderMs: mean(this.enc),
        stepMs: mean(this.step),
        postprocessMs: mean(this.post),
        totalMs: mean(total),
      },
      framesPerSecond: total === 0 ? 0 : (n * 1000) / total,
      inferenceShare: total === 0 ? 0 : (this.enc + this.step) / total,
    };
  }
}
