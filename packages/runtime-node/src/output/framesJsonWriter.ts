/**
 * A JSON document written incrementally, one frame at a time (constant memory whatever the video
 * length):
 *
 *     { …header fields…, "frames": [ row₀, row₁, … ], "summary": { … } }
 *
 * `slots.json` of `slotmatch segment` (rows from {@link slotsJsonRow}) and the `--json` report of
 * `slotmatch compare` use it. Writes respect the stream's backpressure; a write error rejects.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { FrameResult } from '@slotmatch/core';

/** Rows [K][S] of a flat [K, S] array. */
export function slotRows(slots: Float32Array, count: number): number[][] {
  const dim = slots.length / count;
  return Array.from({ length: count }, (_, k) => Array.from(slots.subarray(k * dim, (k + 1) * dim)));
}

/** One frame of `slots.json`: index, size, slots [K][S] and timings. */
export function slotsJsonRow(result: FrameResult, slotCount: number): Record<string, unknown> {
  return {
    index: result.index,
    width: result.width,
    height: result.height,
    slots: slotRows(result.slots, slotCount),
    timings: result.timings,
  };
}

/** Streams frames into a JSON file (layout in the file header). */
export class FramesJsonWriter {
  private readonly stream: WriteStream;
  private first = true;
  private error: Error | undefined;

  constructor(path: string, header: Record<string, unknown>) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (e) => {
      this.error = e;
    });
    const head = JSON.stringify(header);
    this.stream.write(`${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"frames":[\n`);
  }

  private async put(text: string): Promise<void> {
    if (this.error) throw this.error;
    if (!this.stream.write(text)) {
      await new Promise<void>((res) => {
        const done = () => {
          this.stream.off('drain', done);
          this.stream.off('error', done);
          res();
        };
        this.stream.on('drain', done);
        this.stream.on('error', done);
      });
      if (this.error) throw this.error;
    }
  }

  /** Append one frame's row. */
  async add(row: unknown): Promise<void> {
    await this.put(`${this.first ? '' : ',\n'}${JSON.stringify(row)}`);
    this.first = false;
  }

  /** Close the frames list, add `summary` and close the file. */
  async close(summary: unknown): Promise<void> {
    await this.put(`\n],"summary":${JSON.stringify(summary)}}\n`);
    await new Promise<void>((res, rej) => this.stream.end((e?: Error | null) => (e ? rej(e) : res())));
    if (this.error) throw this.error;
  }

  /** Close without finishing (the caller discards the file). */
  destroy(): void {
    this.stream.destroy();
  }
}
