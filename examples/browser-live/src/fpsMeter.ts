/**
 * Frames per second over a sliding window: with the arrival times t₁ … tₙ of the last n results
 * (n ≤ `window`), fps = (n − 1) / (tₙ − t₁) · 1000 (times in ms). Undefined before two results.
 */
export class FpsMeter {
  private readonly times: number[] = [];

  constructor(private readonly window = 30) {}

  /** Record one result at `now` (ms) and return the current rate. */
  tick(now: number): number | undefined {
    this.times.push(now);
    if (this.times.length > this.window) this.times.shift();
    return this.fps();
  }

  fps(): number | undefined {
    const n = this.times.length;
    if (n < 2) return undefined;
    const span = this.times[n - 1]! - this.times[0]!;
    return span > 0 ? ((n - 1) * 1000) / span : undefined;
  }

  reset(): void {
    this.times.length = 0;
  }
}
